#ifndef CAIRN_LEVELDB_SHIM_H
#define CAIRN_LEVELDB_SHIM_H
#include <leveldb/c.h>
#endif
