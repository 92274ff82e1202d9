// CairnNode
