/// Which elements a scene contains (prompt words switch them on, `--no` switches them off).
struct SceneFeatures: Codable, Sendable, Equatable {
    /// A sun disc and its glow.
    var sun = true
    /// A moon instead of the sun.
    var moon = false
    /// Stars in the sky.
    var stars = false
    /// Clouds.
    var clouds = true
    /// Mountain ridges.
    var mountains = true
    /// A water plane with reflections.
    var water = false
    /// Trees.
    var trees = false
    /// Buildings and a skyline.
    var buildings = false
    /// A lighthouse on a headland.
    var lighthouse = false
    /// A sailing boat.
    var boat = false
    /// A flock of birds.
    var birds = false
    /// Mist between the layers.
    var fog = false
    /// Snow on peaks and ground.
    var snow = false
    /// Northern lights.
    var aurora = false
    /// Falling rain.
    var rain = false
    /// A planet (space scenes).
    var planet = false
    /// A figure (person, animal, portrait) is allowed.
    var figure = true
    /// Rough, stormy water with whitecaps.
    var storm = false
    /// Abstract scenes: flowing marbled colour instead of geometric shapes.
    var fluid = false
    /// A castle with towers and battlements.
    var castle = false
    /// A village of small pitched-roof houses.
    var village = false
    /// A temple or pagoda.
    var temple = false
    /// A sandy shore with a wet edge and foam line (seascapes).
    var beach = false
    /// Palm tree silhouettes.
    var palms = false
}
