/// Plain fixed-width tables for the listing commands: every column but the last padded to its width.
struct TextTable {
    /// Column titles with their widths (the last width is ignored).
    let columns: [(title: String, width: Int)]

    /// The header line.
    var header: String { row(columns.map(\.title)) }

    /// One line of cells, in column order.
    func row(_ cells: [String]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            if index == cells.count - 1 {
                line += cell
            } else {
                let width = index < columns.count ? columns[index].width : cell.count + 1
                // A cell longer than its column still leaves one space before the next.
                line += cell.count >= width ? cell + " " : cell.padding(toLength: width, withPad: " ", startingAt: 0)
            }
        }
        return line
    }
}
