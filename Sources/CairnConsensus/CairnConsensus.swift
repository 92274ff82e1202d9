// CairnConsensus
