// CairnRPC
