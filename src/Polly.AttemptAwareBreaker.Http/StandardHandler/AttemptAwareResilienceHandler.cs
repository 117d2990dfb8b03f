using Microsoft.Extensions.Http.Resilience;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// The message handler <c>AddAttemptAwareResilienceHandler</c> puts on a client. It is Microsoft's <see cref="ResilienceHandler"/>, so
/// <c>RemoveAllResilienceHandlers()</c> removes it too; its own type lets two of them on one client be found and refused.
/// </summary>
internal sealed class AttemptAwareResilienceHandler : ResilienceHandler
{
    public AttemptAwareResilienceHandler(
        Func<HttpRequestMessage, ResiliencePipeline<HttpResponseMessage>> pipelineSelector,
        AttemptAwareHandlerRegistration registration)
        : base(pipelineSelector)
        => Registration = registration;

    /// <summary>Gets the call of <c>AddAttemptAwareResilienceHandler</c> that added the handler.</summary>
    public AttemptAwareHandlerRegistration Registration { get; }
}
