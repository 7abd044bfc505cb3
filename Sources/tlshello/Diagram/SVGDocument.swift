/// A small SVG writer: elements with attributes and escaped text, appended in drawing order.
struct SVGDocument {
    let width: Int
    let height: Int
    private var body: [String] = []

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `text` safe inside an XML element or a double-quoted attribute. Characters XML 1.0 does
    /// not allow (most control characters) become U+FFFD.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value):
                result += "\u{FFFD}"
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A number as SVG wants it: no exponent, at most two decimals.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(rounded)
    }

    private static func attributes(_ pairs: KeyValuePairs<String, String>) -> String {
        pairs.map { " \($0.key)=\"\(escaped($0.value))\"" }.joined()
    }

    /// Opens a group; close it with ``close()``.
    mutating func open(_ name: String = "g", _ attributes: KeyValuePairs<String, String> = [:]) {
        body.append("<\(name)\(Self.attributes(attributes))>")
    }

    /// Closes the innermost group opened with ``open(_:_:)``.
    mutating func close(_ name: String = "g") {
        body.append("</\(name)>")
    }

    /// An element without content, e.g. `line` or `rect`.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        body.append("<\(name)\(Self.attributes(attributes))/>")
    }

    /// A `text` element.
    mutating func text(_ content: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        body.append("<text\(Self.attributes(attributes))>\(Self.escaped(content))</text>")
    }

    /// A `title` element: the tooltip of the group it is in.
    mutating func title(_ content: String) {
        body.append("<title>\(Self.escaped(content))</title>")
    }

    /// The document, with the XML declaration and the style sheet `style`.
    func rendered(title: String, description: String, style: String) -> String {
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
                + "viewBox=\"0 0 \(width) \(height)\" role=\"img\">",
            "<title>\(Self.escaped(title))</title>",
            "<desc>\(Self.escaped(description))</desc>",
            "<style>\(Self.escaped(style))</style>",
        ]
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }
}
