namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>One measurement of Polly's meter: the instrument and every tag, in order (duplicates kept).</summary>
internal sealed record PollyMetricEvent(string Instrument, IReadOnlyList<KeyValuePair<string, object?>> Tags)
{
    public string? EventName => Tag("event.name");

    public string? PipelineName => Tag("pipeline.name");

    public string? Tag(string name) => Tags.FirstOrDefault(t => t.Key == name).Value as string;

    public IEnumerable<object?> TagValues(string name) => Tags.Where(t => t.Key == name).Select(t => t.Value);
}
