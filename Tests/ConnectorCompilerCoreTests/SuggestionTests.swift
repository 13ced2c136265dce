import Testing

@testable import ConnectorCompilerCore

@Suite struct SuggestionTests {
    /// Enumeration values (`style`, `stop`): the same words written another way, a value the text
    /// begins or that begins with it, then a likely typo.
    @Test func suggestsTheClosestValueOfAnEnumeration() {
        let styles = ["none", "offset", "pageNumber", "cursor", "nextURL", "linkHeader", "bodyCursor"]
        let stops = ["emptyPage", "absentCursor", "hasMore", "totalCount", "shortPage"]
        #expect(Suggestion.closestValue(to: "next_url", in: styles) == "nextURL")
        #expect(Suggestion.closestValue(to: "link", in: styles) == "linkHeader")
        #expect(Suggestion.closestValue(to: "page", in: styles) == "pageNumber")
        #expect(Suggestion.closestValue(to: "has_more", in: stops) == "hasMore")
        #expect(Suggestion.closestValue(to: "total", in: stops) == "totalCount")
        #expect(Suggestion.closestValue(to: "short-page", in: stops) == "shortPage")
        #expect(Suggestion.closestValue(to: "ofset", in: styles) == "offset")
        #expect(Suggestion.closestValue(to: "token", in: styles) == nil)
    }

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
