/// stub
struct DescriptionWriter { let analysis: ImageAnalysis; let width: Int; let height: Int
  func descriptions() -> [String] { [] } }
