using Microsoft.Extensions.DependencyInjection;

namespace Polly.AttemptAwareBreaker.Http;

internal sealed record HttpAttemptAwareResilienceHandlerBuilder(
    string PipelineName,
    IServiceCollection Services,
    AttemptAwareHandlerRegistration Registration,
    HttpAttemptAwareResilienceOptionsValidator Validator) : IHttpAttemptAwareResiliencePipelineBuilder;
