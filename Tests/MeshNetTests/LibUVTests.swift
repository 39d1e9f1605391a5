import MeshNet
import Testing

struct LibUVTests {
    @Test func linksTheSystemLibUV() {
        #expect(LibUV.version.split(separator: ".").count == 3)
    }
}
