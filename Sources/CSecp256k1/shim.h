#ifndef CAIRN_SECP256K1_SHIM_H
#define CAIRN_SECP256K1_SHIM_H
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <secp256k1_extrakeys.h>

/// Swift 6 refuses to touch the C global directly (it is not concurrency-safe);
/// the static context is immutable, so handing out its pointer is safe.
static inline const secp256k1_context *cairn_secp256k1_context_static(void) {
    return secp256k1_context_static;
}
#endif
