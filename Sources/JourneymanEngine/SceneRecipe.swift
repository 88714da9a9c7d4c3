import JourneymanCore

/// Everything a prompt decides about a scene: subject, palette, style and elements.
/// Shared by the four tiles of a grid (each tile adds its own `TileSpec` parameters).
struct SceneRecipe: Codable, Sendable, Equatable {
    /// The kind of scene.
    var subject: SceneSubject
    /// A figure placed in it.
    var figure: FigureKind
    /// The medium.
    var style: RenderStyle
    /// The light.
    var time: TimeOfDay
    /// Key colours.
    var palette: Palette
    /// Elements present.
    var features: SceneFeatures
    /// Strength of style and grading (from `--stylize`): 0.25 (raw) to 1.6 (strong).
    var styleAmount: Float
    /// Hue families removed by `--no`.
    var excluded: [HueFamily]
    /// Baseline cloud cover, 0–1.
    var cloudiness: Float
    /// Saturation multiplier of the grade.
    var saturation: Float
    /// Whether the picture is black and white.
    var grayscale: Bool
    /// A stable hash of the prompt words (steers everything not named).
    var textHash: UInt64
    /// Fur or hair colour of the figure (black cat, ginger cat, white dog...).
    var coat: SIMD4<Float>

    /// Builds the recipe of a prompt; deterministic in the prompt's text, `--no` and `--stylize`.
    static func make(from prompt: ParsedPrompt) -> SceneRecipe {
        let words = PromptWords(prompt.text)
        let textHash = StableHash.fnv1a(words.words.joined(separator: " "))
        var rng = SplitMix64(seed: textHash)
        let excludedWords = PromptWords(prompt.exclusions.joined(separator: " "))

        let subject = chooseSubject(words, &rng)
        let figure = chooseFigure(words, &rng)
        let style = chooseStyle(words)
        let time = chooseTime(words, subject: subject, &rng)
        var features = chooseFeatures(words, subject: subject, time: time, &rng)
        removeExcludedElements(excludedWords, from: &features)
        let finalFigure = features.figure ? figure : .none

        var cloudiness = Float(rng.range(0.15, 0.6))
        if words.has("cloud", "clouds", "cloudy", "overcast", "storm", "stormy", "dramatic") { cloudiness = 0.8 }
        if words.has("clear", "cloudless") { cloudiness = 0 }
        if !features.clouds { cloudiness = 0 }

        var palette = Palette.preset(time)
        if subject == .desert || features.beach { applySand(&palette, time: time, desert: subject == .desert) }
        var saturation: Float = 1
        if subject == .space || subject == .abstract {
            applyArtPalette(&palette, subject: subject, &rng)
        }
        applyMood(words, to: &palette, saturation: &saturation)
        applyUserColors(words, to: &palette, time: time)
        let grayscale =
            words.has("black and white", "noir", "grayscale", "greyscale", "b&w", "monochrome")
            && !words.words.contains(where: { ColorWord.all[$0]?.family != nil })
        if words.has("monochrome", "monochromatic") && !grayscale {
            makeMonochrome(&palette, words: words)
        }
        if words.has("pastel", "pastels") {
            palette.apply { color in
                let hsv = ColorMath.toHSV(color)
                return ColorMath.hsv(hsv.h, hsv.s * 0.5, FastMath.mix(hsv.v, 1, 0.4))
            }
        }

        var excluded: [HueFamily] = []
        for word in excludedWords.words {
            if let family = ColorWord.family(named: word), !excluded.contains(family) {
                excluded.append(family)
            }
        }
        if !excluded.isEmpty { removeHues(excluded, from: &palette) }

        let stylize = Float(max(0, min(1000, prompt.stylize)))
        let styleAmount = min(1.6, 0.25 + 0.75 * (stylize / 100).squareRoot())

        return SceneRecipe(
            subject: subject, figure: finalFigure, style: style, time: time, palette: palette,
            features: features, styleAmount: styleAmount, excluded: excluded, cloudiness: cloudiness,
            saturation: saturation, grayscale: grayscale, textHash: textHash, coat: chooseCoat(words, &rng))
    }

    // MARK: - Subject, figure, style, time

    private static func chooseSubject(_ words: PromptWords, _ rng: inout SplitMix64) -> SceneSubject {
        let vocabulary: [(SceneSubject, [String], Int)] = [
            (
                .space,
                [
                    "space", "galaxy", "nebula", "cosmos", "cosmic", "universe", "planet", "astronaut", "spaceship",
                    "orbit", "starfield", "supernova", "saturn", "jupiter", "mars", "interstellar", "milky way", "sci fi",
                ], 3
            ),
            (.synthwave, ["synthwave", "retrowave", "vaporwave", "outrun", "80s", "retro futuristic", "tron"], 4),
            (
                .abstract,
                [
                    "abstract", "geometric", "pattern", "shapes", "bauhaus", "fluid", "marble", "swirl", "fractal",
                    "kaleidoscope", "mandala", "composition", "circles", "gradient", "waves of color", "generative",
                ], 3
            ),
            (
                .city,
                [
                    "city", "skyline", "town", "street", "metropolis", "downtown", "skyscraper", "cyberpunk", "tokyo",
                    "new york", "paris", "london", "urban", "building", "buildings", "rooftops", "neon city",
                ], 2
            ),
            (
                .seascape,
                [
                    "sea", "ocean", "beach", "coast", "coastal", "lighthouse", "harbor", "harbour", "bay", "wave", "waves",
                    "shore", "island", "boat", "ship", "sail", "sailboat", "seaside", "pier", "surf", "tide", "sailing",
                    "tropical", "palm", "lagoon", "shoreline",
                ], 2
            ),
            (
                .forest,
                [
                    "forest", "woods", "woodland", "tree", "trees", "jungle", "pine", "pines", "taiga", "grove",
                    "redwood", "birch", "rainforest", "enchanted", "oak",
                ], 2
            ),
            (.desert, ["desert", "dune", "dunes", "sahara", "canyon", "mesa", "sand", "arid", "oasis", "badlands"], 2),
            (
                .landscape,
                [
                    "mountain", "mountains", "landscape", "valley", "hill", "hills", "meadow", "field", "alps",
                    "peak", "peaks", "lake", "river", "countryside", "prairie", "fjord", "volcano", "glacier",
                    "castle", "fortress", "village", "town", "hamlet", "cottage", "temple", "pagoda",
                ], 2
            ),
        ]
        var best: SceneSubject?
        var bestScore = 0
        for (subject, list, weight) in vocabulary {
            var score = 0
            for candidate in list where words.has(candidate) {
                score += weight
                if candidate == "lighthouse" { score += 3 }
            }
            if score > bestScore {
                bestScore = score
                best = subject
            }
        }
        if let best { return best }
        let roll = rng.unit()
        let table: [(SceneSubject, Double)] = [
            (.landscape, 0.30), (.seascape, 0.20), (.forest, 0.14), (.desert, 0.09), (.city, 0.11), (.space, 0.08), (.abstract, 0.08),
        ]
        var acc = 0.0
        for (subject, p) in table {
            acc += p
            if roll < acc { return subject }
        }
        return .landscape
    }

    private static func chooseFigure(_ words: PromptWords, _ rng: inout SplitMix64) -> FigureKind {
        let portrait = words.has("portrait", "face", "headshot", "selfie", "bust", "profile picture", "close up", "closeup")
        let cat = words.has("cat", "kitten", "kitty", "feline", "tabby")
        let dog = words.has("dog", "wolf", "fox", "puppy", "hound", "deer", "horse", "coyote")
        if portrait && cat { return .catPortrait }
        if portrait && dog { return .dogPortrait }
        if portrait { return .bust }
        if cat { return .cat }
        if dog { return .dog }
        if words.has("creature", "animal", "beast", "monster", "dragon") { return rng.chance(0.5) ? .cat : .dog }
        if words.has(
            "person", "man", "woman", "girl", "boy", "wanderer", "traveler", "traveller", "figure", "knight",
            "samurai", "hiker", "child", "lady", "people", "monk", "warrior", "explorer", "astronaut",
            "silhouette", "stranger", "king", "queen", "witch", "wizard")
        {
            return .person
        }
        return .none
    }

    private static func chooseStyle(_ words: PromptWords) -> RenderStyle {
        if words.has("pixel", "pixel art", "8bit", "16bit", "8 bit", "16 bit", "sprite", "pixelated", "retro game") { return .pixel }
        if words.has("watercolor", "watercolour", "aquarelle", "gouache") { return .watercolor }
        if words.has("sketch", "pencil", "drawing", "charcoal", "graphite", "ink", "line art", "lineart", "etching", "engraving") {
            return .sketch
        }
        if words.has("oil", "oil painting", "impasto", "impressionist", "impressionism", "van gogh", "brushstrokes", "canvas") {
            return .oil
        }
        if words.has("minimal", "minimalist", "minimalism", "simple", "flat") { return .minimal }
        if words.has("anime", "ghibli", "cartoon", "illustration", "vector", "poster", "comic", "cel", "isometric", "lowpoly", "low poly") {
            return .illustration
        }
        if words.has("photo", "photograph", "photography", "photorealistic", "realistic", "cinematic", "35mm", "dslr", "hdr", "film") {
            return .photo
        }
        return .painterly
    }

    private static func chooseTime(_ words: PromptWords, subject: SceneSubject, _ rng: inout SplitMix64) -> TimeOfDay {
        if words.has(
            "night", "midnight", "moonlit", "moonlight", "nocturnal", "starry", "nighttime", "aurora", "northern lights",
            "borealis", "stars", "starlit", "starlight", "moon") && !words.has("sunset", "sunrise", "dusk", "dawn")
        {
            return .night
        }
        if words.has("dusk", "twilight", "evening", "blue hour") { return .dusk }
        if words.has("sunset", "sundown") { return .sunset }
        if words.has("golden", "golden hour", "afternoon", "autumn", "fall") { return .golden }
        if words.has("dawn", "sunrise", "morning", "daybreak") { return .dawn }
        if words.has("storm", "stormy", "overcast", "rain", "rainy", "gloomy", "grey sky", "foggy") { return .overcast }
        if words.has("day", "noon", "midday", "sunny", "daylight", "summer", "bright", "spring") { return .day }
        if words.has("neon", "cyberpunk") { return .night }
        switch subject {
        case .space: return .night
        case .synthwave: return .dusk
        case .city: return [.night, .dusk, .sunset, .golden][rng.index(4)]
        default: break
        }
        let table: [(TimeOfDay, Double)] = [(.day, 0.24), (.golden, 0.2), (.sunset, 0.2), (.dusk, 0.14), (.night, 0.1), (.dawn, 0.12)]
        let roll = rng.unit()
        var acc = 0.0
        for (time, p) in table {
            acc += p
            if roll < acc { return time }
        }
        return .day
    }

    private static func chooseFeatures(_ words: PromptWords, subject: SceneSubject, time: TimeOfDay, _ rng: inout SplitMix64)
        -> SceneFeatures
    {
        var f = SceneFeatures()
        let waterWords = [
            "lake", "river", "reflection", "reflections", "pond", "water", "sea", "ocean", "harbor", "harbour", "bay", "canal", "fjord",
        ]
        switch subject {
        case .landscape:
            f.mountains = true
            f.water = words.has(waterWords) || rng.chance(0.55)
            f.trees = words.has("tree", "trees", "pine", "forest") || rng.chance(0.45)
        case .seascape:
            f.water = true
            f.mountains = words.has("island", "islands", "cliff", "cliffs", "coast", "mountain", "mountains", "fjord") || rng.chance(0.5)
            f.lighthouse = words.has("lighthouse")
            f.boat = words.has("boat", "ship", "sail", "sailboat", "yacht", "sailing") || rng.chance(0.2)
        case .city:
            f.buildings = true
            f.mountains = words.has("mountain", "mountains", "hills") || rng.chance(0.25)
            f.water = words.has(waterWords) || rng.chance(0.7)
        case .forest:
            f.trees = true
            f.mountains = words.has("mountain", "mountains") || rng.chance(0.6)
            f.water = words.has(waterWords)
            f.fog = rng.chance(0.6)
        case .space:
            f.sun = words.has("sun", "star") && !words.has("stars")
            f.mountains = false
            f.clouds = false
            f.stars = true
            f.planet = words.has("planet", "planets", "saturn", "jupiter", "mars", "moon", "world") || rng.chance(0.7)
        case .desert:
            f.mountains = words.has("mesa", "mesas", "canyon", "butte", "buttes", "badlands", "mountain", "mountains", "rock", "rocks")
            f.water = words.has("oasis", "lake", "river")
        case .synthwave:
            f.mountains = true
            f.clouds = false
        case .abstract:
            f.sun = false
            f.mountains = false
            f.clouds = false
            if words.has("fluid", "marble", "marbling", "swirl", "swirls", "liquid", "flow", "flowing", "ink", "smoke", "waves of color") {
                f.fluid = true
            } else if words.has("geometric", "bauhaus", "shapes", "circles", "squares", "triangles", "composition") {
                f.fluid = false
            } else {
                f.fluid = rng.chance(0.5)
            }
        }
        if subject != .space && subject != .abstract {
            let moonWords = words.has("moon", "moonlit", "moonlight", "lunar", "full moon", "crescent")
            if time == .night {
                f.moon = !words.has("sun") || moonWords
                f.sun = f.moon
            } else if moonWords {
                f.moon = true
            }
            f.stars = time == .night || (time == .dusk && rng.chance(0.6)) || words.has("stars", "starry", "star")
            if words.has("water", "lake", "sea", "ocean", "river", "reflection") { f.water = true }
            if words.has("tree", "trees", "pine", "pines") { f.trees = true }
            if words.has("lighthouse") { f.lighthouse = true; f.water = true }
            if words.has("boat", "ship", "sailboat", "sail", "yacht") && f.water { f.boat = true }
            if time == .overcast && !words.has("sun") { f.sun = false }
        }
        f.birds = words.has("bird", "birds", "seagull", "gull", "crow", "crows", "flock", "geese", "swallow")
        if words.has("mist", "misty", "fog", "foggy", "haze", "hazy", "ethereal", "dreamy", "atmospheric") { f.fog = true }
        f.snow = words.has("snow", "snowy", "winter", "frozen", "ice", "icy", "arctic", "glacier", "alpine", "snowcapped")
        f.aurora = words.has("aurora", "northern lights", "borealis")
        f.rain = words.has("rain", "rainy", "raining", "drizzle")
        f.storm = words.has("storm", "stormy", "rough", "tempest", "crashing", "turbulent", "waves", "wave")
        if words.has("no clouds", "clear sky") { f.clouds = false }
        if subject != .space && subject != .abstract {
            f.castle = words.has("castle", "castles", "fortress", "citadel", "keep", "stronghold")
            f.village =
                words.has("village", "town", "hamlet", "houses", "cottage", "cottages", "cabin", "farmhouse")
                && subject != .city
            f.temple = words.has("temple", "pagoda", "shrine", "monastery")
            f.palms = words.has("tropical", "palm", "palms", "oasis", "paradise")
        }
        if subject == .landscape && (f.castle || f.village || f.temple) {
            // Buildings stand on open hills: no lake or tree line in front unless named.
            f.water = words.has(waterWords)
            f.trees = words.has("tree", "trees", "pine", "forest")
        }
        if subject == .seascape {
            f.beach = words.has("beach", "shore", "shoreline", "sand", "sandy", "tropical", "lagoon", "seaside", "surf", "paradise")
        }
        if subject == .desert && words.has("noon", "midday", "hot", "scorching") { f.clouds = false }
        return f
    }

    private static func removeExcludedElements(_ words: PromptWords, from f: inout SceneFeatures) {
        if words.has("sun", "sunlight", "sunshine") { f.sun = false }
        if words.has("moon") { f.moon = false }
        if words.has("sun", "moon") && !f.moon { f.sun = false }
        if words.has("star", "stars") { f.stars = false }
        if words.has("cloud", "clouds") { f.clouds = false }
        if words.has("mountain", "mountains", "hill", "hills", "peaks", "ridges") { f.mountains = false }
        if words.has("water", "sea", "ocean", "lake", "river", "reflection", "reflections", "waves") { f.water = false }
        if words.has("tree", "trees", "forest", "pines") { f.trees = false }
        if words.has("building", "buildings", "city", "houses", "skyline", "skyscrapers") { f.buildings = false }
        if words.has("lighthouse") { f.lighthouse = false }
        if words.has("castle", "castles") { f.castle = false }
        if words.has("village", "town", "houses", "house") { f.village = false }
        if words.has("temple", "pagoda") { f.temple = false }
        if words.has("palm", "palms", "palm tree", "palm trees") { f.palms = false }
        if words.has("beach", "sand") { f.beach = false }
        if words.has("boat", "boats", "ship", "ships") { f.boat = false }
        if words.has("bird", "birds") { f.birds = false }
        if words.has("fog", "mist", "haze") { f.fog = false }
        if words.has("snow") { f.snow = false }
        if words.has("rain") { f.rain = false }
        if words.has("planet", "planets") { f.planet = false }
        if words.has("aurora") { f.aurora = false }
        if words.has("people", "person", "figure", "figures", "human", "humans", "animal", "animals", "cat", "dog", "face") {
            f.figure = false
        }
    }

    // MARK: - Colour

    /// The figure's coat from colour words next to the animal or hair (black cat, ginger kitten).
    private static func chooseCoat(_ words: PromptWords, _ rng: inout SplitMix64) -> SIMD4<Float> {
        let c = ColorMath.rgb
        if words.has("black", "dark", "noir", "shadow") { return c(22, 20, 24) }
        if words.has("white", "snow", "snowy", "pale") { return c(226, 222, 214) }
        if words.has("ginger", "orange", "tabby", "red", "fox") { return c(200, 112, 48) }
        if words.has("grey", "gray", "silver", "blue") { return c(120, 124, 132) }
        if words.has("brown", "chocolate", "golden", "blonde") { return c(150, 100, 58) }
        let coats = [c(60, 48, 40), c(140, 120, 100), c(186, 110, 56), c(40, 38, 42)]
        return coats[rng.index(coats.count)]
    }

    /// Sand-coloured land and a hot, pale sky for deserts and beaches, lit by the time of day.
    private static func applySand(_ palette: inout Palette, time: TimeOfDay, desert: Bool) {
        let c = ColorMath.rgb
        let light: Float
        switch time {
        case .day: light = 1
        case .golden: light = 0.95
        case .sunset, .dawn: light = 0.78
        case .overcast: light = 0.72
        case .dusk: light = 0.48
        case .night: light = 0.24
        }
        let sand = c(232, 190, 132)
        let lit = FastMath.mix(sand, sand * palette.glow, 0.45) * light
        palette.ground = lit
        palette.mid = FastMath.mix(lit * 0.86, palette.skyMid * 0.5, 0.12)
        palette.near = FastMath.mix(lit * 0.7, palette.zenith, 0.12)
        palette.far = FastMath.mix(lit, palette.fog, 0.35)
        palette.foliage = FastMath.mix(palette.foliage, c(60, 90, 40), 0.5)
        if desert && (time == .day || time == .golden) {
            // Hot pale sky: a washed-out blue above a white-hot horizon.
            palette.zenith = FastMath.mix(palette.zenith, c(110, 160, 210), 0.6)
            palette.skyMid = FastMath.mix(palette.skyMid, c(180, 206, 226), 0.7)
            palette.horizon = FastMath.mix(palette.horizon, c(246, 238, 220), 0.8)
            palette.fog = FastMath.mix(palette.fog, c(244, 228, 200), 0.7)
            palette.glow = FastMath.mix(palette.glow, c(255, 244, 214), 0.6)
        }
    }

    private static func applyMood(_ words: PromptWords, to palette: inout Palette, saturation: inout Float) {
        let c = ColorMath.rgb
        if words.has("autumn", "fall", "autumnal") {
            palette.foliage = c(196, 86, 30)
            palette.ground = c(150, 92, 40)
            palette.near = FastMath.mix(palette.near, c(110, 48, 26), 0.6)
            palette.mid = FastMath.mix(palette.mid, c(170, 100, 50), 0.45)
        }
        if words.has("spring", "summer", "lush", "green", "verdant") {
            palette.foliage = c(58, 128, 58)
            palette.ground = FastMath.mix(palette.ground, c(96, 150, 64), 0.6)
        }
        if words.has("snow", "snowy", "winter", "frozen", "icy", "arctic") {
            palette.ground = c(226, 232, 244)
            palette.far = FastMath.mix(palette.far, c(190, 206, 230), 0.5)
            palette.mid = FastMath.mix(palette.mid, c(120, 140, 175), 0.5)
            palette.foliage = c(28, 48, 56)
            palette.fog = FastMath.mix(palette.fog, c(220, 230, 245), 0.5)
            palette.water = c(40, 70, 110)
        }
        if words.has("neon", "cyberpunk", "synthwave", "vaporwave", "retrowave", "outrun") {
            palette.accent = c(255, 46, 170)
            palette.accent2 = c(40, 226, 255)
            palette.horizon = FastMath.mix(palette.horizon, c(255, 60, 160), 0.6)
            palette.glow = c(255, 70, 170)
            palette.skyMid = FastMath.mix(palette.skyMid, c(90, 30, 130), 0.6)
            palette.zenith = FastMath.mix(palette.zenith, c(20, 8, 48), 0.6)
            palette.fog = FastMath.mix(palette.fog, c(140, 40, 140), 0.5)
            palette.sun = c(255, 220, 90)
            saturation *= 1.15
        }
        if words.has("vibrant", "vivid", "saturated", "colorful", "colourful", "psychedelic") { saturation *= 1.3 }
        if words.has("muted", "desaturated", "faded", "moody", "somber", "washed") { saturation *= 0.7 }
        if words.has("dark", "gloomy", "grim", "ominous", "eerie", "haunted") {
            palette.apply { $0 * SIMD4(0.72, 0.72, 0.76, 1) }
        }
    }

    /// Vivid schemes for space and abstract pictures (nebula colours, poster colours).
    private static func applyArtPalette(_ palette: inout Palette, subject: SceneSubject, _ rng: inout SplitMix64) {
        let c = ColorMath.rgb
        let schemes: [[SIMD4<Float>]] = [
            [c(18, 22, 58), c(120, 40, 150), c(236, 92, 120), c(255, 190, 120), c(60, 200, 220)],
            [c(10, 30, 50), c(20, 120, 140), c(90, 210, 190), c(250, 220, 150), c(240, 110, 70)],
            [c(30, 16, 48), c(160, 40, 110), c(250, 120, 60), c(255, 220, 130), c(90, 110, 230)],
            [c(12, 18, 40), c(50, 70, 170), c(130, 90, 220), c(240, 150, 230), c(255, 230, 200)],
            [c(236, 226, 206), c(210, 60, 40), c(240, 190, 40), c(30, 70, 150), c(30, 30, 36)],
            [c(240, 232, 214), c(22, 120, 120), c(226, 168, 40), c(214, 96, 50), c(44, 52, 60)],
        ]
        let pick = subject == .space ? rng.index(4) : rng.index(schemes.count)
        let s = schemes[pick]
        palette.zenith = subject == .space ? s[0] * 0.35 : s[0]
        palette.skyMid = s[1]
        palette.horizon = s[2]
        palette.glow = s[3]
        palette.accent2 = s[4]
        palette.accent = s[2]
        palette.sun = FastMath.mix(s[3], SIMD4(1, 1, 1, 1), 0.4)
        palette.far = FastMath.mix(s[1], s[3], 0.5)
        palette.near = s.min { ColorMath.luma($0) < ColorMath.luma($1) }!
        palette.fog = subject == .space ? s[0] : FastMath.mix(s[0], SIMD4(1, 1, 1, 1), 0.15)
        palette.cloudLight = s[3]
        palette.cloudShadow = s[1]
    }

    /// Where a colour word applies, judged by the noun that follows it.
    private enum ColorTarget { case sky, land, water, any }

    private static func applyUserColors(_ words: PromptWords, to palette: inout Palette, time: TimeOfDay) {
        let skyNouns: Set<String> = [
            "sky", "skies", "clouds", "cloud", "sunset", "sunrise", "horizon", "sun", "moon", "light", "lights",
            "glow", "dusk", "dawn", "twilight", "aurora", "nebula", "galaxy", "space", "hour",
        ]
        let landNouns: Set<String> = [
            "valley", "hills", "hill", "grass", "field", "fields", "forest", "trees", "tree", "mountains",
            "mountain", "land", "meadow", "leaves", "foliage", "desert", "dunes", "sand", "rocks", "cliffs",
        ]
        let waterNouns: Set<String> = ["sea", "ocean", "water", "lake", "river", "waves", "bay", "waters"]
        var sky: [ColorWord] = []
        var land: [ColorWord] = []
        var water: [ColorWord] = []
        var loose: [ColorWord] = []
        let list = words.words
        for (index, word) in list.enumerated() {
            guard let color = ColorWord.all[word] else { continue }
            if word == "golden" && index + 1 < list.count && list[index + 1] == "hour" { continue }
            var target = ColorTarget.any
            for next in list[(index + 1)..<min(list.count, index + 3)] {
                if skyNouns.contains(next) { target = .sky; break }
                if landNouns.contains(next) { target = .land; break }
                if waterNouns.contains(next) { target = .water; break }
                if ColorWord.all[next] == nil && !["and", "with", "of"].contains(next) { break }
            }
            let known = (sky + land + water + loose).contains { $0.word == color.word }
            if known { continue }
            switch target {
            case .sky: sky.append(color)
            case .land: land.append(color)
            case .water: water.append(color)
            case .any: loose.append(color)
            }
        }
        if sky.isEmpty && land.isEmpty && water.isEmpty && loose.isEmpty { return }
        let darkness: Float
        switch time {
        case .night: darkness = 0.5
        case .dusk: darkness = 0.75
        case .overcast: darkness = 0.8
        default: darkness = 1
        }
        // Loose colours: the lighter (warmer) one takes the horizon, the darker the zenith and land.
        var skyColors = sky
        var landColors = land
        if !loose.isEmpty {
            let sorted = loose.sorted { score($0) > score($1) }
            if skyColors.isEmpty {
                skyColors = sorted
            } else {
                landColors += sorted
            }
        }
        if !skyColors.isEmpty {
            let light = skyColors.max { score($0) < score($1) }!
            let dark: ColorWord
            if skyColors.count > 1 {
                dark = skyColors.filter { $0.word != light.word }.min { score($0) < score($1) }!
            } else {
                dark = ColorWord(
                    word: light.word, hue: light.hue - 18, saturation: min(1, light.saturation * 1.05),
                    value: light.value * 0.55, family: light.family)
            }
            let hsv = ColorMath.hsv
            palette.horizon = hsv(light.hue, light.saturation * 0.92, max(light.value, 0.9) * max(darkness, 0.8))
            palette.glow = hsv(light.hue, min(1, light.saturation * 1.05), 1)
            palette.sun = hsv(light.hue, light.saturation * 0.28, 1)
            palette.cloudLight = hsv(light.hue, light.saturation * 0.5, 1)
            palette.zenith = hsv(dark.hue, min(1, dark.saturation * 0.95), dark.value * 0.5 * darkness)
            palette.skyMid = hsv(dark.hue, dark.saturation * 0.85, min(1, dark.value * 0.95) * darkness)
            palette.cloudShadow = hsv(dark.hue, dark.saturation * 0.6, dark.value * 0.42)
            // Haze takes the darker colour's hue so distant land keeps its family (orange sky, purple hills).
            palette.fog =
                skyColors.count > 1
                ? hsv(dark.hue, dark.saturation * 0.4, min(1, dark.value * 1.1) * darkness)
                : hsv(light.hue, light.saturation * 0.45, 0.85 * darkness)
            if landColors.isEmpty {
                palette.far = hsv(dark.hue, dark.saturation * 0.6, dark.value * 0.72 * darkness)
                palette.mid = hsv(dark.hue, dark.saturation * 0.7, dark.value * 0.46 * darkness)
                palette.near = hsv(dark.hue, dark.saturation * 0.75, dark.value * 0.22)
                palette.ground = hsv(dark.hue, dark.saturation * 0.6, dark.value * 0.3)
                palette.foliage = hsv(dark.hue, dark.saturation * 0.7, dark.value * 0.26)
            }
            if water.isEmpty {
                palette.water = hsv(dark.hue, dark.saturation * 0.8, dark.value * 0.42 * darkness)
            }
            if skyColors.count > 2 {
                let third = skyColors.first { $0.word != light.word && $0.word != dark.word }!
                palette.accent = third.color
                palette.skyMid = hsv(third.hue, third.saturation * 0.85, third.value * darkness)
            }
        }
        if let first = landColors.first {
            let hsv = ColorMath.hsv
            let second = landColors.count > 1 ? landColors[1] : first
            palette.far = hsv(first.hue, first.saturation * 0.45, min(1, first.value * 0.95) * darkness)
            palette.mid = hsv(first.hue, first.saturation * 0.75, first.value * 0.65 * darkness)
            palette.near = hsv(second.hue, second.saturation * 0.8, second.value * 0.4 * darkness)
            palette.ground = hsv(first.hue, first.saturation * 0.85, first.value * 0.7 * darkness)
            palette.foliage = hsv(second.hue, second.saturation * 0.85, second.value * 0.55 * darkness)
        }
        if let first = water.first {
            palette.water = ColorMath.hsv(first.hue, first.saturation * 0.85, first.value * 0.55 * darkness)
        }
    }

    /// Lightness and warmth: which colour belongs near the light.
    private static func score(_ color: ColorWord) -> Float {
        let warm: Float
        switch color.family {
        case .red?, .orange?, .yellow?, .pink?: warm = 0.25
        default: warm = 0
        }
        return color.value * (1 - color.saturation * 0.15) + warm
    }

    private static func makeMonochrome(_ palette: inout Palette, words: PromptWords) {
        let hue = words.words.compactMap { ColorWord.all[$0] }.first { $0.family != nil }?.hue
        palette.apply { color in
            let hsv = ColorMath.toHSV(color)
            if let hue { return ColorMath.hsv(hue, min(hsv.s, 0.55), hsv.v) }
            return ColorMath.hsv(hsv.h, hsv.s * 0.12, hsv.v)
        }
    }

    /// Moves every palette colour out of the excluded hue families.
    static func removeHues(_ families: [HueFamily], from palette: inout Palette) {
        palette.apply { color in
            var hsv = ColorMath.toHSV(color)
            for _ in 0..<3 {
                guard let family = families.first(where: { $0.contains(h: hsv.h, s: hsv.s, v: hsv.v) }) else {
                    return ColorMath.hsv(hsv.h, hsv.s, hsv.v)
                }
                let (center, halfWidth) = family.band
                var delta = hsv.h - center
                if delta > 180 { delta -= 360 }
                if delta < -180 { delta += 360 }
                hsv.h = delta >= 0 ? center + halfWidth + 22 : center - halfWidth - 22
                if hsv.h < 0 { hsv.h += 360 }
                if hsv.h >= 360 { hsv.h -= 360 }
                if family == .brown { hsv.s *= 0.3 }
            }
            return ColorMath.hsv(hsv.h, min(hsv.s, 0.08), hsv.v)
        }
    }
}
