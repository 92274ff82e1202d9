// CairnState
