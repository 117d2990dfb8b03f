using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace StandardHandlerDropIn;

/// <summary>
/// Two configurations in the shapes Microsoft documents for <c>AddStandardResilienceHandler</c>, each written out twice: for Microsoft's
/// handler and, with only the call renamed, for <c>AddAttemptAwareResilienceHandler</c>. This file imports what such code imports and
/// nothing of this library. <see cref="DropInSourceTests"/> checks that each pair differs in the call's name only.
/// </summary>
internal static class DocumentedConfigurations
{
    /// <summary>
    /// Transient faults: retries with exponential back-off decided by a <c>Func</c>, a breaker deciding failures with a
    /// <see cref="PredicateBuilder{TResult}"/>, both timeouts, no retries of unsafe methods, and the delays reported by <c>OnRetry</c>.
    /// </summary>
    public static void AddTransientFaultHandling(IHttpClientBuilder client, Handler handler, ICollection<TimeSpan> retryDelays)
    {
        if (handler == Handler.Standard)
        {
#pragma warning disable EXTEXP0001 // Microsoft's DisableForUnsafeHttpMethods is experimental; code calling it already says so.
            // <transient-faults>
            client.AddStandardResilienceHandler(options =>
            {
                options.Retry.MaxRetryAttempts = 2;
                options.Retry.Delay = TimeSpan.FromSeconds(1);
                options.Retry.BackoffType = DelayBackoffType.Exponential;
                options.Retry.UseJitter = false;
                options.Retry.ShouldHandle = static args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome));
                options.Retry.DisableForUnsafeHttpMethods();
                options.Retry.OnRetry = args =>
                {
                    retryDelays.Add(args.RetryDelay);
                    return default;
                };

                options.CircuitBreaker.FailureRatio = 0.5;
                options.CircuitBreaker.MinimumThroughput = 6;
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(1);
                options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
                options.CircuitBreaker.ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .HandleResult(response => response.StatusCode >= HttpStatusCode.InternalServerError);

                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(12);
            });
            // </transient-faults>
#pragma warning restore EXTEXP0001
        }
        else
        {
            // <transient-faults>
            client.AddAttemptAwareResilienceHandler(options =>
            {
                options.Retry.MaxRetryAttempts = 2;
                options.Retry.Delay = TimeSpan.FromSeconds(1);
                options.Retry.BackoffType = DelayBackoffType.Exponential;
                options.Retry.UseJitter = false;
                options.Retry.ShouldHandle = static args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome));
                options.Retry.DisableForUnsafeHttpMethods();
                options.Retry.OnRetry = args =>
                {
                    retryDelays.Add(args.RetryDelay);
                    return default;
                };

                options.CircuitBreaker.FailureRatio = 0.5;
                options.CircuitBreaker.MinimumThroughput = 6;
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(1);
                options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
                options.CircuitBreaker.ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .HandleResult(response => response.StatusCode >= HttpStatusCode.InternalServerError);

                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(12);
            });
            // </transient-faults>
        }
    }

    /// <summary>
    /// Status codes chosen by hand, through <c>.Configure(...)</c> and per-authority pipelines: retries of 503 only, decided by a
    /// <see cref="PredicateBuilder{TResult}"/>, with a constant jittered delay; a breaker that also counts 404 as a failure, decided by
    /// a <c>Func</c>; no retries of PUT and DELETE.
    /// </summary>
    public static void AddChosenStatusCodes(IHttpClientBuilder client, Handler handler)
    {
        if (handler == Handler.Standard)
        {
#pragma warning disable EXTEXP0001 // Microsoft's DisableFor is experimental; code calling it already says so.
            // <chosen-status-codes>
            client.AddStandardResilienceHandler()
                .Configure(options =>
                {
                    options.Retry.MaxRetryAttempts = 2;
                    options.Retry.Delay = TimeSpan.FromSeconds(1);
                    options.Retry.BackoffType = DelayBackoffType.Constant;
                    options.Retry.UseJitter = true;
                    options.Retry.Randomizer = static () => 0.0;
                    options.Retry.ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                        .HandleResult(response => response.StatusCode == HttpStatusCode.ServiceUnavailable);
                    options.Retry.DisableFor(HttpMethod.Put, HttpMethod.Delete);

                    options.CircuitBreaker.FailureRatio = 0.5;
                    options.CircuitBreaker.MinimumThroughput = 4;
                    options.CircuitBreaker.ShouldHandle = static args => ValueTask.FromResult(
                        args.Outcome.Result?.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.NotFound);
                })
                .SelectPipelineByAuthority();
            // </chosen-status-codes>
#pragma warning restore EXTEXP0001
        }
        else
        {
            // <chosen-status-codes>
            client.AddAttemptAwareResilienceHandler()
                .Configure(options =>
                {
                    options.Retry.MaxRetryAttempts = 2;
                    options.Retry.Delay = TimeSpan.FromSeconds(1);
                    options.Retry.BackoffType = DelayBackoffType.Constant;
                    options.Retry.UseJitter = true;
                    options.Retry.Randomizer = static () => 0.0;
                    options.Retry.ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                        .HandleResult(response => response.StatusCode == HttpStatusCode.ServiceUnavailable);
                    options.Retry.DisableFor(HttpMethod.Put, HttpMethod.Delete);

                    options.CircuitBreaker.FailureRatio = 0.5;
                    options.CircuitBreaker.MinimumThroughput = 4;
                    options.CircuitBreaker.ShouldHandle = static args => ValueTask.FromResult(
                        args.Outcome.Result?.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.NotFound);
                })
                .SelectPipelineByAuthority();
            // </chosen-status-codes>
        }
    }

    /// <summary>
    /// The other members of Microsoft's options, each set once (callbacks record that they ran into <paramref name="events"/>), so that
    /// every documented member is shown to compile against this library's options.
    /// </summary>
    public static void AddEveryOtherSetting(IHttpClientBuilder client, Handler handler, ICollection<string> events)
    {
        if (handler == Handler.Standard)
        {
            // <every-other-setting>
            client.AddStandardResilienceHandler()
                .Configure((options, services) =>
                {
                    options.RateLimiter.DefaultRateLimiterOptions.PermitLimit = 100;
                    options.RateLimiter.DefaultRateLimiterOptions.QueueLimit = 10;
                    options.RateLimiter.OnRejected = args =>
                    {
                        events.Add("rate limiter rejected");
                        return default;
                    };

                    options.TotalRequestTimeout.TimeoutGenerator = static args => ValueTask.FromResult(TimeSpan.FromSeconds(20));
                    options.AttemptTimeout.OnTimeout = args =>
                    {
                        events.Add("attempt timed out");
                        return default;
                    };

                    options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
                    options.Retry.ShouldRetryAfterHeader = true;
                    options.Retry.DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(null);

                    options.CircuitBreaker.Name = "inventory-breaker";
                    options.CircuitBreaker.BreakDurationGenerator = static args => ValueTask.FromResult(TimeSpan.FromSeconds(10));
                    options.CircuitBreaker.OnOpened = args =>
                    {
                        events.Add("opened");
                        return default;
                    };
                    options.CircuitBreaker.OnClosed = args =>
                    {
                        events.Add("closed");
                        return default;
                    };
                    options.CircuitBreaker.OnHalfOpened = args =>
                    {
                        events.Add("half-opened");
                        return default;
                    };
                });
            // </every-other-setting>
        }
        else
        {
            // <every-other-setting>
            client.AddAttemptAwareResilienceHandler()
                .Configure((options, services) =>
                {
                    options.RateLimiter.DefaultRateLimiterOptions.PermitLimit = 100;
                    options.RateLimiter.DefaultRateLimiterOptions.QueueLimit = 10;
                    options.RateLimiter.OnRejected = args =>
                    {
                        events.Add("rate limiter rejected");
                        return default;
                    };

                    options.TotalRequestTimeout.TimeoutGenerator = static args => ValueTask.FromResult(TimeSpan.FromSeconds(20));
                    options.AttemptTimeout.OnTimeout = args =>
                    {
                        events.Add("attempt timed out");
                        return default;
                    };

                    options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
                    options.Retry.ShouldRetryAfterHeader = true;
                    options.Retry.DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(null);

                    options.CircuitBreaker.Name = "inventory-breaker";
                    options.CircuitBreaker.BreakDurationGenerator = static args => ValueTask.FromResult(TimeSpan.FromSeconds(10));
                    options.CircuitBreaker.OnOpened = args =>
                    {
                        events.Add("opened");
                        return default;
                    };
                    options.CircuitBreaker.OnClosed = args =>
                    {
                        events.Add("closed");
                        return default;
                    };
                    options.CircuitBreaker.OnHalfOpened = args =>
                    {
                        events.Add("half-opened");
                        return default;
                    };
                });
            // </every-other-setting>
        }
    }
}
