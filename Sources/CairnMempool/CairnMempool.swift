// CairnMempool
