namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Identifies one pipeline of the attempt-aware handler in its registry: the pipeline's name (<c>{client}-attempt-aware</c>), the
/// options it is built from, and the instance (the downstream authority, or another selected key; empty without selection).
/// </summary>
/// <remarks>
/// The options name is part of the builder's identity so that the handler of <c>ConfigureHttpClientDefaults</c> and a client's own
/// handler never share a recipe, even though both name their pipeline after the client.
/// </remarks>
internal readonly record struct HttpClientPipelineKey(string PipelineName, string OptionsName, string InstanceName)
{
    /// <summary>Gets a comparer that ignores the instance: every instance of a pipeline is built from the same recipe.</summary>
    public static IEqualityComparer<HttpClientPipelineKey> BuilderComparer { get; } = new RecipeComparer();

    private sealed class RecipeComparer : IEqualityComparer<HttpClientPipelineKey>
    {
        public bool Equals(HttpClientPipelineKey x, HttpClientPipelineKey y)
            => string.Equals(x.PipelineName, y.PipelineName, StringComparison.Ordinal)
                && string.Equals(x.OptionsName, y.OptionsName, StringComparison.Ordinal);

        public int GetHashCode(HttpClientPipelineKey obj)
            => HashCode.Combine(StringComparer.Ordinal.GetHashCode(obj.PipelineName), StringComparer.Ordinal.GetHashCode(obj.OptionsName));
    }
}
