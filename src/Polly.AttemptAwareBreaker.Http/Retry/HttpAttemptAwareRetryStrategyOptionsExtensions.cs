using Polly;
using Polly.AttemptAwareBreaker;
using Polly.AttemptAwareBreaker.Http;

// In Microsoft's namespace, beside its own HttpRetryStrategyOptionsExtensions: code written for AddStandardResilienceHandler already
// imports it, so options.Retry.DisableForUnsafeHttpMethods() resolves here without another using (the receiver types differ, so
// the two never compete).
namespace Microsoft.Extensions.Http.Resilience;

/// <summary>
/// Switches retries off for requests that are not safe to send twice: the counterparts of Microsoft's <c>DisableForUnsafeHttpMethods</c>
/// and <c>DisableFor</c> for <see cref="HttpAttemptAwareRetryStrategyOptions"/>.
/// </summary>
public static class HttpAttemptAwareRetryStrategyOptionsExtensions
{
    private static readonly HttpMethod[] UnsafeMethods = [HttpMethod.Post, HttpMethod.Patch, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Connect];

    /// <summary>
    /// Stops retries of POST, PATCH, PUT, DELETE and CONNECT requests. Their failed attempts are still counted by the breaker.
    /// </summary>
    /// <param name="options">The retry options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static void DisableForUnsafeHttpMethods(this HttpAttemptAwareRetryStrategyOptions options)
        => options.DisableFor(UnsafeMethods);

    /// <summary>
    /// Stops retries of requests with any of the given methods, in addition to any <see cref="AttemptAwareRetryStrategyOptions{TResult}.ShouldRetry"/>
    /// already set. Their failed attempts are still counted by the breaker. Unlike Microsoft's, it holds whether
    /// <see cref="HttpAttemptAwareRetryStrategyOptions.ShouldHandle"/> is set before or after it.
    /// </summary>
    /// <param name="options">The retry options.</param>
    /// <param name="methods">The methods whose requests are never retried.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="methods"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="methods"/> is empty.</exception>
    public static void DisableFor(this HttpAttemptAwareRetryStrategyOptions options, params HttpMethod[] methods)
    {
        Guard.NotNull(options);
        Guard.NotNull(methods);
        if (methods.Length == 0)
        {
            throw new ArgumentException("Name at least one HTTP method whose requests must not be retried.", nameof(methods));
        }

        var excluded = new HashSet<HttpMethod>(methods);
        var previous = options.ShouldRetry;
        options.ShouldRetry = args =>
        {
            var request = args.Context.GetRequestMessage() ?? args.Outcome.Result?.RequestMessage;
            if (request is not null && excluded.Contains(request.Method))
            {
                return new(false);
            }

            return previous?.Invoke(args) ?? new(true);
        };
    }
}
