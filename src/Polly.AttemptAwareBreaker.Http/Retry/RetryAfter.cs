using System.Net;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Reads the delay a 429 or 503 response asks for in its <c>Retry-After</c> header, against the pipeline's clock.
/// </summary>
internal static class RetryAfter
{
    public static TimeSpan? Read(Outcome<HttpResponseMessage> outcome, TimeProvider timeProvider)
    {
        if (outcome.Result is not { StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } response
            || response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
