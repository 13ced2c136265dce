import Testing

@testable import ConnectorCompilerCore

@Suite struct SuggestionTests {
    @Test func suggestsTheClosestCandidate() {
        #expect(Suggestion.closest(to: "tokenUrl", in: ["tokenURL", "revokeURL"]) == "tokenURL")
        #expect(Suggestion.closest(to: "descripton", in: ["description", "docsURL"]) == "description")
        #expect(Suggestion.closest(to: "hirs", in: ["hris", "ats"]) == "hris")
    }

    @Test func transpositionCountsAsOneEdit() {
        #expect(Suggestion.editDistance(Array("ab".unicodeScalars), Array("ba".unicodeScalars)) == 1)
        #expect(Suggestion.editDistance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
    }

    @Test func noSuggestionWhenNothingIsClose() {
        #expect(Suggestion.closest(to: "completelyDifferent", in: ["name", "id"]) == nil)
        #expect(Suggestion.closest(to: ";", in: [" ", ",", "+"]) == nil)
    }
}
