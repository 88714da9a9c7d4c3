import Foundation
import JourneymanCore
import Testing

@Suite("Random UUIDs")
struct RandomUUIDTests {
    @Test("An id is a lowercase version 4 UUID that Foundation reads back as the same id")
    func anIdIsALowercaseVersion4UUID() throws {
        for _ in 0..<1000 {
            let id = RandomUUID.make()
            #expect(id.utf8.count == 36)
            let parsed = try #require(UUID(uuidString: id), "\(id) is no UUID")
            #expect(parsed.uuidString.lowercased() == id)
            let bytes = Array(id.utf8)
            #expect(bytes[14] == UInt8(ascii: "4"), "version 4: \(id)")
            #expect("89ab".utf8.contains(bytes[19]), "RFC 4122 variant: \(id)")
            #expect(id.allSatisfy { $0 == "-" || $0.isHexDigit && !$0.isUppercase })
        }
    }

    @Test("Ids made on many threads at once are all different")
    func idsMadeAtOnceAreAllDifferent() async {
        let batches = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 { group.addTask { (0..<20_000).map { _ in RandomUUID.make() } } }
            var all: [[String]] = []
            for await batch in group { all.append(batch) }
            return all
        }
        let ids = batches.flatMap { $0 }
        #expect(ids.count == 160_000)
        #expect(Set(ids).count == ids.count)
    }
}
