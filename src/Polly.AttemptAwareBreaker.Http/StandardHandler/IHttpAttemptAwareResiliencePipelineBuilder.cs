using Microsoft.Extensions.DependencyInjection;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Returned by <c>AddAttemptAwareResilienceHandler</c> to configure the handler's options and how requests select their pipeline.
/// </summary>
public interface IHttpAttemptAwareResiliencePipelineBuilder
{
    /// <summary>
    /// Gets the name of the pipeline, which is also the name of its <see cref="HttpAttemptAwareResilienceOptions"/>.
    /// </summary>
    string PipelineName { get; }

    /// <summary>
    /// Gets the service collection the handler is registered in.
    /// </summary>
    IServiceCollection Services { get; }
}
