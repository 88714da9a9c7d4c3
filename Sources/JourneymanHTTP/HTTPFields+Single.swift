import HTTPTypes

extension HTTPFields {
    /// The value of the field `name`, looked up without the generic join that `self[name]` does on every call (a lazy
    /// sequence whose metadata the runtime looks up each time: it was a third of a cached retrieve's header work).
    /// Several fields of that name answer what `self[name]` answers, their values joined.
    public func single(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            guard found == nil else { return self[name] }
            found = field.value
        }
        return found
    }
}
