using Microsoft.Extensions.DependencyInjection;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Returned by <c>AddAttemptAwareResilienceHandler</c> to configure the handler's options and how requests select their pipeline.
/// </summary>
public interface IHttpAttemptAwareResiliencePipelineBuilder
{
    /// <summary>
    /// Gets the name of the handler's <see cref="HttpAttemptAwareResilienceOptions"/>. For a client configured on its own it is also the
    /// name of the client's pipeline, <c>{client}-attempt-aware</c>; for the handler added through <c>ConfigureHttpClientDefaults</c> it is
    /// <c>attempt-aware-defaults</c>, the options every client's pipeline is built from (each pipeline is still named after its client).
    /// </summary>
    string PipelineName { get; }

    /// <summary>
    /// Gets the service collection the handler is registered in.
    /// </summary>
    IServiceCollection Services { get; }
}
