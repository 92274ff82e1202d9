// CairnStorage
