/// Draws a ``LadderDiagram`` as SVG: title, legend, the two lifelines, one horizontal arrow per
/// message (name above, facts below, time since the connection opened on the left), round-trip
/// brackets, and the outcome. Text is monospace and measured at a generous width per character,
/// so no label runs into another whatever font the viewer picks.
struct LadderRenderer {
    let diagram: LadderDiagram

    // Fonts (px) and the width allowed per character: monospace faces advance 0.6 em.
    private static let fontFamily = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace"
    private static let titleSize = 16.0
    private static let nameSize = 13.0
    private static let detailSize = 11.5
    private static let smallSize = 11.0
    private static func width(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.62 }

    private static let margin = 20.0
    private static let lineGap = 14.0
    private static let minimumGap = 520.0
    private static let maximumGap = 760.0

    /// Colours of the legend, by kind.
    private static func colour(_ kind: LadderDiagram.Kind) -> String {
        switch kind {
        case .clear: "#1d4ed8"
        case .encrypted: "#15803d"
        case .alert: "#dc2626"
        case .unknown: "#6b7280"
        }
    }

    private static let style = """
        text { font-family: \(fontFamily); fill: #111827; }
        .title { font-size: \(titleSize)px; font-weight: bold; }
        .subtitle, .legend, .time, .trip, .summary { font-size: \(smallSize)px; }
        .subtitle, .time, .trip { fill: #4b5563; }
        .name { font-size: \(nameSize)px; font-weight: bold; }
        .details { font-size: \(detailSize)px; fill: #374151; }
        .lifeline { stroke: #9ca3af; stroke-width: 1.5; stroke-dasharray: 2 4; }
        .head { fill: #f3f4f6; stroke: #6b7280; }
        .failure-box { fill: #fef2f2; stroke: #dc2626; }
        .failure { font-size: \(detailSize)px; fill: #991b1b; }
        """

    /// The SVG text.
    func svg() -> String {
        let d = diagram
        let m = Self.margin
        // Head boxes: the role, then the address.
        let clientHead = d.clientLabel.split(separator: " ", maxSplits: 1).map(String.init)
        let serverHead = d.serverLabel.split(separator: " ", maxSplits: 1).map(String.init)
        let headWidth = { (lines: [String]) in (lines.map { Self.width($0, size: Self.nameSize) }.max() ?? 40) + 20 }
        let clientHeadWidth = headWidth(clientHead)
        let serverHeadWidth = headWidth(serverHead)

        // Between the lifelines: the widest name or detail, within bounds; longer details wrap.
        let widest = d.arrows.map { arrow in
            max(Self.width(arrow.message, size: Self.nameSize), Self.width(arrow.details, size: Self.detailSize))
        }.max() ?? 0
        let gap = min(Self.maximumGap, max(Self.minimumGap, widest + 60))
        let detailChars = Int((gap - 40) / (Self.detailSize * 0.62))
        let timeRight = m + Self.width("+1234.56 ms", size: Self.smallSize)
        let bracketX = timeRight + 22
        let clientX = max(bracketX + 34, m + clientHeadWidth / 2)
        let serverX = clientX + gap

        let alert = d.arrows.last(where: { $0.kind == .alert })
        let failedTitle = "TLS handshake that failed" + (alert.map { ": \($0.details.split(separator: " ").first ?? "") alert from the \($0.from.rawValue)" } ?? "")
        let title = d.negotiated.map { "TLS handshake: \($0)" } ?? (d.failure == nil ? "TLS handshake" : failedTitle)
        let who = d.drawnBy == .client ? "as the client saw it" : "as the server saw it" + (d.connection.map { " (connection #\($0))" } ?? "")
        let subtitle = "\(d.clientLabel) and \(d.serverLabel), \(who); times since the connection opened"
        let summary = summaryLines()
        let failureLines = d.failure.map { Self.wrap("failed: " + $0, width: Int((gap - 20) / (Self.detailSize * 0.62))) } ?? []
        let handshakeEnd = d.handshakeCompleted ? d.arrows.lastIndex(where: { $0.message == "Finished" }) : nil
        let divider = "handshake done"
        var width = serverX + max(serverHeadWidth / 2, 16 + Self.width(divider, size: Self.smallSize)) + m
        width = max(width, m * 2 + Self.width(title, size: Self.titleSize), m * 2 + Self.width(subtitle, size: Self.smallSize))
        width = max(width, m * 2 + (summary.map { Self.width($0, size: Self.smallSize) }.max() ?? 0))

        // Rows.
        struct Row { let top: Double; let arrowY: Double; let details: [String] }
        var rows: [Row] = []
        var y = 160.0
        for arrow in d.arrows {
            let details = arrow.details.isEmpty ? [] : Self.wrap(arrow.details, width: detailChars)
            let arrowY = y + 13 + Self.lineGap * Double(details.count) + 9
            rows.append(Row(top: y, arrowY: arrowY, details: details))
            y = arrowY + 14
            if rows.count - 1 == handshakeEnd { y += 16 }
        }
        let lifelineEnd = y + 6
        var bottom = lifelineEnd + 12
        let failureTop = bottom
        if !failureLines.isEmpty { bottom += 14 + Self.lineGap * Double(failureLines.count) + 10 }
        let summaryTop = bottom + 6
        bottom = summaryTop + Self.lineGap * Double(summary.count) + m

        var svg = SVGDocument(width: Int(width.rounded(.up)), height: Int(bottom.rounded(.up)))
        svg.element("rect", ["width": "100%", "height": "100%", "fill": "#ffffff"])
        svg.text(title, ["class": "title", "x": n(m), "y": "30"])
        svg.text(subtitle, ["class": "subtitle", "x": n(m), "y": "50"])
        legend(&svg, y: 74)

        // Lifelines and their heads.
        for (x, lines, headW, side) in [(clientX, clientHead, clientHeadWidth, "client"), (serverX, serverHead, serverHeadWidth, "server")] {
            svg.open("g", ["class": "participant", "data-side": side])
            svg.element("rect", ["class": "head", "x": n(x - headW / 2), "y": "96", "width": n(headW), "height": "40", "rx": "6"])
            for (index, line) in lines.enumerated() {
                svg.text(line, ["class": index == 0 ? "name" : "details", "x": n(x), "y": n(112 + 16 * Double(index)), "text-anchor": "middle"])
            }
            svg.element("line", ["class": "lifeline", "x1": n(x), "y1": "136", "x2": n(x), "y2": n(lifelineEnd)])
            svg.close()
        }

        // Round trips.
        for (number, trip) in d.roundTrips.enumerated() {
            let top = rows[trip.lowerBound].top + 4
            let end = rows[trip.upperBound].arrowY
            svg.open("g", ["class": "round-trip", "data-round-trip": String(number + 1)])
            svg.element("path", ["d": "M \(n(bracketX + 8)) \(n(top)) H \(n(bracketX)) V \(n(end)) H \(n(bracketX + 8))",
                                 "fill": "none", "stroke": "#6b7280", "stroke-width": "1.5"])
            let label = "round trip \(number + 1)"
            let text = Self.width(label, size: Self.smallSize) + 8 < end - top ? label : "RT \(number + 1)"
            let middle = (top + end) / 2
            svg.text(text, ["class": "trip", "x": n(bracketX - 6), "y": n(middle), "text-anchor": "middle",
                            "transform": "rotate(-90 \(n(bracketX - 6)) \(n(middle)))"])
            svg.close()
        }

        if let handshakeEnd {
            let lineY = rows[handshakeEnd].arrowY + 18
            svg.open("g", ["class": "handshake-done"])
            svg.element("line", ["x1": n(clientX), "y1": n(lineY), "x2": n(serverX), "y2": n(lineY),
                                 "stroke": "#9ca3af", "stroke-width": "1", "stroke-dasharray": "1 3"])
            svg.text(divider, ["class": "trip", "x": n(serverX + 8), "y": n(lineY + 4)])
            svg.close()
        }

        // Messages.
        for (index, arrow) in d.arrows.enumerated() {
            let row = rows[index]
            let colour = Self.colour(arrow.kind)
            let (fromX, toX) = arrow.from == .client ? (clientX, serverX) : (serverX, clientX)
            let middle = (clientX + serverX) / 2
            svg.open("g", ["class": "message \(arrow.kind.rawValue)", "data-index": String(index + 1),
                           "data-from": arrow.from.rawValue, "data-to": arrow.to.rawValue, "data-message": arrow.message,
                           "data-encrypted": arrow.encrypted.map { String($0) } ?? "unknown"])
            let tip = arrow.explanation.isEmpty ? arrow.message : "\(arrow.message): \(arrow.explanation)"
            svg.title(tip)
            svg.text(arrow.message, ["class": "name", "x": n(middle), "y": n(row.top + 13), "text-anchor": "middle", "fill": colour,
                                     "style": "fill: \(colour)"])
            for (line, text) in row.details.enumerated() {
                svg.text(text, ["class": "details", "x": n(middle), "y": n(row.top + 13 + Self.lineGap * Double(line + 1)),
                                "text-anchor": "middle"])
            }
            let direction: Double = toX > fromX ? 1 : -1
            let tipX = toX - direction * 2
            Self.line(&svg, from: fromX + direction * 2, to: tipX - direction * 9, y: row.arrowY, kind: arrow.kind)
            svg.element("polygon", ["points": "\(n(tipX)),\(n(row.arrowY)) \(n(tipX - direction * 11)),\(n(row.arrowY - 5)) \(n(tipX - direction * 11)),\(n(row.arrowY + 5))",
                                    "fill": colour])
            if let elapsed = arrow.elapsed {
                svg.text(Self.time(elapsed), ["class": "time", "x": n(timeRight), "y": n(row.arrowY + 4), "text-anchor": "end"])
            }
            svg.close()
        }

        if !failureLines.isEmpty {
            let boxWidth = (failureLines.map { Self.width($0, size: Self.detailSize) }.max() ?? 0) + 20
            svg.open("g", ["class": "outcome failed"])
            svg.element("rect", ["class": "failure-box", "x": n(clientX), "y": n(failureTop), "width": n(boxWidth),
                                 "height": n(10 + Self.lineGap * Double(failureLines.count) + 4), "rx": "4"])
            for (index, text) in failureLines.enumerated() {
                svg.text(text, ["class": "failure", "x": n(clientX + 10), "y": n(failureTop + 18 + Self.lineGap * Double(index))])
            }
            svg.close()
        }
        for (index, text) in summary.enumerated() {
            svg.text(text, ["class": "summary", "x": n(m), "y": n(summaryTop + 12 + Self.lineGap * Double(index))])
        }
        let description = d.arrows.map { "\($0.from.rawValue) → \($0.to.rawValue): \($0.message)" }.joined(separator: "; ")
        return svg.rendered(title: title + " (" + subtitle + ")", description: description, style: Self.style)
    }

    /// The legend: one swatch per colour.
    private func legend(_ svg: inout SVGDocument, y: Double) {
        var x = Self.margin
        svg.open("g", ["class": "legend"])
        for (kind, label) in [(LadderDiagram.Kind.clear, "in the clear (anyone on the path reads it)"),
                              (.encrypted, "encrypted"), (.alert, "alert")] {
            Self.line(&svg, from: x, to: x + 28, y: y - 4, kind: kind)
            svg.text(label, ["class": "legend", "x": n(x + 34), "y": n(y)])
            x += 34 + Self.width(label, size: Self.smallSize) + 24
        }
        svg.close()
    }

    /// A horizontal line in the colour of `kind`: dashed for plaintext (and unknown), so the
    /// difference does not rest on colour alone.
    private static func line(_ svg: inout SVGDocument, from x1: Double, to x2: Double, y: Double, kind: LadderDiagram.Kind) {
        let (a, b, level, colour) = (SVGDocument.number(x1), SVGDocument.number(x2), SVGDocument.number(y), Self.colour(kind))
        if kind == .clear || kind == .unknown {
            svg.element("line", ["x1": a, "y1": level, "x2": b, "y2": level, "stroke": colour, "stroke-width": "2.2", "stroke-dasharray": "7 4"])
        } else {
            svg.element("line", ["x1": a, "y1": level, "x2": b, "y2": level, "stroke": colour, "stroke-width": "2.2"])
        }
    }

    /// The lines under the ladder: round trips, what crossed in the clear.
    private func summaryLines() -> [String] {
        let d = diagram
        var lines: [String] = []
        let trips = d.roundTrips.count
        if d.handshakeCompleted {
            lines.append("Handshake: \(trips) round trip\(trips == 1 ? "" : "s") before the client may send application data.")
        }
        let clear = d.arrows.filter { $0.encrypted == false }.map(\.message)
        if !clear.isEmpty {
            var seen: [String] = []
            for name in clear where !seen.contains(name) { seen.append(name) }
            let rest = d.arrows.contains { $0.encrypted == true }
                ? "; everything else is encrypted." : " (the exchange ended before any key was agreed)."
            lines.append("In the clear: " + seen.joined(separator: ", ") + rest)
        }
        return lines
    }

    /// `text` cut into lines of at most `width` characters, at spaces (after commas first).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 8 else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if candidate.count <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            var rest = String(word)
            while rest.count > width {
                lines.append(String(rest.prefix(width)))
                rest = String(rest.dropFirst(width))
            }
            current = rest
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// `+0.42 ms`, `+12.3 ms`, `+1.234 s`.
    static func time(_ seconds: Double) -> String {
        let milliseconds = seconds * 1000
        if milliseconds >= 1000 { return "+" + SVGDocument.number((seconds * 1000).rounded() / 1000) + " s" }
        if milliseconds >= 10 { return "+" + String((milliseconds * 10).rounded() / 10) + " ms" }
        let hundredths = Int((milliseconds * 100).rounded())
        return "+\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) ms"
    }

    private func n(_ value: Double) -> String { SVGDocument.number(value) }
}
