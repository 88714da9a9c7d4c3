/// Signed distance functions of simple 2-D primitives (negative inside).
enum SignedDistance {
    /// A circle.
    @inline(__always)
    static func circle(_ px: Float, _ py: Float, _ cx: Float, _ cy: Float, _ r: Float) -> Float {
        let dx = px - cx
        let dy = py - cy
        return (dx * dx + dy * dy).squareRoot() - r
    }

    /// An axis-aligned ellipse (approximate distance, exact sign).
    @inline(__always)
    static func ellipse(_ px: Float, _ py: Float, _ cx: Float, _ cy: Float, _ rx: Float, _ ry: Float) -> Float {
        let dx = (px - cx) / rx
        let dy = (py - cy) / ry
        return ((dx * dx + dy * dy).squareRoot() - 1) * min(rx, ry)
    }

    /// A capsule (thick segment) from a to b.
    @inline(__always)
    static func capsule(_ px: Float, _ py: Float, _ ax: Float, _ ay: Float, _ bx: Float, _ by: Float, _ r: Float) -> Float {
        let pax = px - ax, pay = py - ay
        let bax = bx - ax, bay = by - ay
        let h = FastMath.clamp((pax * bax + pay * bay) / max(bax * bax + bay * bay, 1e-9))
        let dx = pax - bax * h
        let dy = pay - bay * h
        return (dx * dx + dy * dy).squareRoot() - r
    }

    /// An axis-aligned box centred at (cx, cy) with half sizes hx, hy.
    @inline(__always)
    static func box(_ px: Float, _ py: Float, _ cx: Float, _ cy: Float, _ hx: Float, _ hy: Float) -> Float {
        let qx = abs(px - cx) - hx
        let qy = abs(py - cy) - hy
        let ox = max(qx, 0), oy = max(qy, 0)
        return (ox * ox + oy * oy).squareRoot() + min(max(qx, qy), 0)
    }

    /// A vertical trapezoid between heights y0 (half width w0) and y1 (half width w1), y0 < y1.
    @inline(__always)
    static func trapezoid(_ px: Float, _ py: Float, _ cx: Float, _ y0: Float, _ w0: Float, _ y1: Float, _ w1: Float) -> Float {
        let t = FastMath.clamp((py - y0) / (y1 - y0))
        let half = w0 + (w1 - w0) * t
        let dx = abs(px - cx) - half
        let dy = max(y0 - py, py - y1)
        return max(dx, dy)
    }

    /// A triangle (approximate outside distance, exact sign).
    @inline(__always)
    static func triangle(_ px: Float, _ py: Float, _ ax: Float, _ ay: Float, _ bx: Float, _ by: Float, _ cx: Float, _ cy: Float) -> Float {
        func edge(_ x0: Float, _ y0: Float, _ x1: Float, _ y1: Float) -> Float {
            let ex = x1 - x0, ey = y1 - y0
            let len = max((ex * ex + ey * ey).squareRoot(), 1e-9)
            return ((px - x0) * ey - (py - y0) * ex) / len
        }
        let area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
        let s: Float = area > 0 ? 1 : -1
        return max(edge(ax, ay, bx, by) * s, max(edge(bx, by, cx, cy) * s, edge(cx, cy, ax, ay) * s))
    }
}
