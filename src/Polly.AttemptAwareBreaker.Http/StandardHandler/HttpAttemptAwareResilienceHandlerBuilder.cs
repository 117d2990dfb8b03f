using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace Polly.AttemptAwareBreaker.Http;

internal sealed record HttpAttemptAwareResilienceHandlerBuilder(
    string PipelineName,
    IServiceCollection Services,
    IHttpResiliencePipelineBuilder Handler,
    HttpAttemptAwareResilienceOptionsValidator Validator) : IHttpAttemptAwareResiliencePipelineBuilder;
