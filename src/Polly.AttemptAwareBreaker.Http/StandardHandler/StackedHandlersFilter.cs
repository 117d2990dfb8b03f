using Microsoft.Extensions.Http;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Refuses a client whose handler chain ends up with two attempt-aware handlers (typically one from <c>ConfigureHttpClientDefaults</c> and
/// one of the client's own): each request would be retried by both and counted by two circuits.
/// </summary>
internal sealed class StackedHandlersFilter : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
        => builder =>
        {
            next(builder);

            AttemptAwareResilienceHandler? first = null;
            foreach (var handler in builder.AdditionalHandlers)
            {
                if (handler is not AttemptAwareResilienceHandler ours)
                {
                    continue;
                }

                if (first is not null)
                {
                    throw new InvalidOperationException(Message(builder.Name, first.Registration, ours.Registration));
                }

                first = ours;
            }
        };

    private static string Message(string? client, AttemptAwareHandlerRegistration first, AttemptAwareHandlerRegistration second)
    {
        var fix = (first.ClientName, second.ClientName) switch
        {
            (null, null) => "To replace the handler of every client, call RemoveAllResilienceHandlers() before the second " +
                "AddAttemptAwareResilienceHandler(...) in ConfigureHttpClientDefaults; otherwise remove one of the two calls.",
            (null, _) or (_, null) => "To give this client its own handler, call RemoveAllResilienceHandlers() on the client before its " +
                "AddAttemptAwareResilienceHandler(...) (this removes the handler added by ConfigureHttpClientDefaults); otherwise remove one " +
                "of the two calls.",
            _ => "Remove one of the two calls.",
        };

        return $"The HttpClient '{client}' has two attempt-aware resilience handlers, added by {first.Origin} and by {second.Origin}: " +
            $"every request would be retried by both and counted by two circuits. {fix}";
    }
}
