/// Validates chain ids: 1–48 characters of a–z, 0–9 and '-', not starting or ending with '-'.
public enum ChainID {
    public static let maxLength = 48

    public static func validate(_ id: String) -> String? {
        guard !id.isEmpty, id.utf8.count <= maxLength else {
            return "chain id must be 1 to \(maxLength) characters"
        }
        let ok = id.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
        guard ok, id.first != "-", id.last != "-" else {
            return "chain id '\(id)' may hold only a-z, 0-9 and inner '-'"
        }
        return nil
    }
}
