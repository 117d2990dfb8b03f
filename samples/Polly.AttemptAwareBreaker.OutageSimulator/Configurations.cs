using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.AttemptAwareBreaker.Http;
using Polly.Telemetry;
using Polly.Timeout;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// The configurations compared. Where a configuration has the setting, all use the same thresholds:
/// failure ratio 0.5 over 30 s with a minimum throughput of 5, a 5 s break, 3 attempts per operation with Polly's default 2 s delay.
/// Microsoft's standard handler runs with its own defaults (that is the point of comparing it).
/// </summary>
internal static class Configurations
{
    public const string PollyBreakerOutsideRetry = "polly-breaker-outside-retry";
    public const string PollyRetryOutsideBreaker = "polly-retry-outside-breaker";
    public const string MsStandardHandler = "ms-standard-handler";
    public const string AttemptAware = "attempt-aware";
    public const string AttemptAwareStandardHandler = "attempt-aware-standard-handler";

    public static readonly string[] All = [PollyBreakerOutsideRetry, PollyRetryOutsideBreaker, MsStandardHandler, AttemptAware, AttemptAwareStandardHandler];

    /// <summary>Settings a scenario may change for every configuration alike.</summary>
    internal sealed record Settings
    {
        public double FailureRatio { get; init; } = 0.5;

        public int MinimumThroughput { get; init; } = 5;

        public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(5);

        public int MaxRetryAttempts { get; init; } = 2;

        /// <summary>Gets a value indicating whether every breaker, Microsoft's included, is set so that it cannot trip.</summary>
        public bool NeverTrip { get; init; }
    }

    public static SimulatedClient Create(string name, FakeTimeProvider time, SimulatedDownstream downstream, Settings settings)
    {
        SimulatedClient? client = null;

        // Openings are observed through telemetry, which every breaker reports synchronously. (Polly runs OnOpened callbacks on a
        // background executor and awaits them, which would let the operation race the virtual clock.)
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>
        {
            TimeProvider = time,
            TelemetryListener = new OpenedListener(() => client?.OnOpened()),
        };
        var pollyState = new CircuitBreakerStateProvider();
        var ourState = new AttemptAwareCircuitBreakerStateProvider();
        Func<CircuitState> state = () => pollyState.CircuitState;
        var throws = true;

        var failureRatio = settings.NeverTrip ? 1.0 : settings.FailureRatio;
        var minimumThroughput = settings.NeverTrip ? int.MaxValue : settings.MinimumThroughput;

        CircuitBreakerStrategyOptions<HttpResponseMessage> PollyBreaker() => new()
        {
            FailureRatio = failureRatio,
            MinimumThroughput = minimumThroughput,
            BreakDuration = settings.BreakDuration,
            StateProvider = pollyState,
        };

        RetryStrategyOptions<HttpResponseMessage> PollyRetry() => new() { MaxRetryAttempts = settings.MaxRetryAttempts };

        switch (name)
        {
            case PollyBreakerOutsideRetry:
                builder.AddCircuitBreaker(PollyBreaker()).AddRetry(PollyRetry());
                break;

            case PollyRetryOutsideBreaker:
                builder.AddRetry(PollyRetry()).AddCircuitBreaker(PollyBreaker());
                break;

            case MsStandardHandler:
                // Microsoft's AddStandardResilienceHandler pipeline, strategies in its order, with its default options.
                var standard = new HttpStandardResilienceOptions();
                standard.CircuitBreaker.StateProvider = pollyState;
                standard.Retry.Randomizer = new Random(42).NextDouble; // its jitter, seeded so runs repeat
                if (settings.NeverTrip)
                {
                    standard.CircuitBreaker.FailureRatio = failureRatio;
                    standard.CircuitBreaker.MinimumThroughput = minimumThroughput;
                }

                builder
                    .AddRateLimiter(standard.RateLimiter)
                    .AddTimeout(standard.TotalRequestTimeout)
                    .AddRetry(standard.Retry)
                    .AddCircuitBreaker(standard.CircuitBreaker)
                    .AddTimeout(standard.AttemptTimeout);
                throws = false;
                break;

            case AttemptAware:
                builder.AddAttemptAwareRetryAndCircuitBreaker(
                    new AttemptAwareRetryStrategyOptions<HttpResponseMessage> { MaxRetryAttempts = settings.MaxRetryAttempts },
                    new AttemptAwareCircuitBreakerStrategyOptions<HttpResponseMessage>
                    {
                        FailureRatio = failureRatio,
                        MinimumThroughput = minimumThroughput,
                        BreakDuration = settings.BreakDuration,
                        Classifier = HttpOutcomeClassifiers.Default,
                        StateProvider = ourState,
                    });
                state = () => ourState.CircuitState;
                break;

            case AttemptAwareStandardHandler:
                // AddAttemptAwareResilienceHandler's pipeline, strategies in its order, with its default options.
                var ours = new HttpAttemptAwareResilienceOptions();
                ours.CircuitBreaker.StateProvider = ourState;
                ours.Retry.Randomizer = new Random(42).NextDouble;
                if (settings.NeverTrip)
                {
                    ours.CircuitBreaker.FailureRatio = failureRatio;
                    ours.CircuitBreaker.MinimumThroughput = minimumThroughput;
                    ours.CircuitBreaker.ConsecutiveFailureThreshold = null;
                }

                builder.AddAttemptAwareStandardResilience(ours);
                state = () => ourState.CircuitState;
                throws = false;
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, $"Unknown configuration; known: {string.Join(", ", All)}.");
        }

        client = new SimulatedClient { Name = name, Pipeline = builder.Build(), State = state, ThrowsOnErrorStatus = throws, Downstream = downstream };
        return client;
    }

    private sealed class OpenedListener(Action onOpened) : TelemetryListener
    {
        public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
        {
            if (args.Event.EventName == "OnCircuitOpened")
            {
                onOpened();
            }
        }
    }
}
