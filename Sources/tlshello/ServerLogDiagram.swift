extension ServerLog {
    /// A connection's diagram was written: a step line, or a `diagram` event in JSON.
    func diagram(_ connection: Int, _ peer: String, file: String) {
        if json {
            guard !quiet else { return }
            Console.json(["event": "diagram", "connection": String(connection), "peer": peer, "file": file])
        } else {
            step(connection, peer, "   diagram written to \(file)")
        }
    }
}
