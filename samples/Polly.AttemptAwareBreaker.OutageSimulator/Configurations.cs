using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.AttemptAwareBreaker.Http;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// The configurations compared (the anchor rows). Where a configuration has the setting, all use the same thresholds:
/// failure ratio 0.5 over 30 s with a minimum throughput of 5, a 5 s break, 3 attempts per operation with Polly's default 2 s delay.
/// Microsoft's standard handler runs with its own defaults (that is the point of comparing it), and so does this library's.
/// </summary>
internal static class Configurations
{
    public static readonly SimulatorRow PollyBreakerOutsideRetry = new("polly-breaker-outside-retry", (builder, settings) =>
    {
        var state = new CircuitBreakerStateProvider();
        builder.AddCircuitBreaker(PollyBreaker(settings, state)).AddRetry(PollyRetry(settings));
        return new(() => state.CircuitState, ThrowsOnErrorStatus: true);
    });

    public static readonly SimulatorRow PollyRetryOutsideBreaker = new("polly-retry-outside-breaker", (builder, settings) =>
    {
        var state = new CircuitBreakerStateProvider();
        builder.AddRetry(PollyRetry(settings)).AddCircuitBreaker(PollyBreaker(settings, state));
        return new(() => state.CircuitState, ThrowsOnErrorStatus: true);
    });

    /// <summary>Microsoft's <c>AddStandardResilienceHandler</c> pipeline, strategies in its order, with its default options.</summary>
    public static readonly SimulatorRow MsStandardHandler = new("ms-standard-handler", (builder, settings) =>
    {
        var state = new CircuitBreakerStateProvider();
        var standard = new HttpStandardResilienceOptions();
        standard.CircuitBreaker.StateProvider = state;
        standard.Retry.Randomizer = new Random(42).NextDouble; // its jitter, seeded so runs repeat
        if (settings.NeverTrip)
        {
            standard.CircuitBreaker.FailureRatio = 1.0;
            standard.CircuitBreaker.MinimumThroughput = int.MaxValue;
        }

        builder
            .AddRateLimiter(standard.RateLimiter)
            .AddTimeout(standard.TotalRequestTimeout)
            .AddRetry(standard.Retry)
            .AddCircuitBreaker(standard.CircuitBreaker)
            .AddTimeout(standard.AttemptTimeout);
        return new(() => state.CircuitState, ThrowsOnErrorStatus: false);
    });

    public static readonly SimulatorRow AttemptAware = new("attempt-aware", (builder, settings) => ComposedRetryBreaker(builder, settings, static _ => { }));

    /// <summary>
    /// This library's composed retry + breaker with the three partial-failure rules on: the thresholds of <see cref="AttemptAware"/>, a 5 s
    /// window, slow attempts (1 s, 10 %), adaptive throttling (K = 1.2 over 5 s) and a 5 s recovery ramp. The README's "Outage simulator"
    /// section explains each setting.
    /// </summary>
    public static readonly SimulatorRow AttemptAwareAdaptive = new("attempt-aware-adaptive", (builder, settings) => ComposedRetryBreaker(builder, settings, static breaker =>
    {
        breaker.SamplingDuration = TimeSpan.FromSeconds(5);
        breaker.SlowAttemptThreshold = TimeSpan.FromSeconds(1);
        breaker.SlowAttemptRatio = 0.1;
        breaker.AdaptiveThrottling = new() { Multiplier = 1.2, Window = TimeSpan.FromSeconds(5) };
        breaker.RecoveryRampDuration = TimeSpan.FromSeconds(5);
        breaker.Randomizer = new Random(15).NextDouble; // throttling and ramp decisions, seeded so runs repeat
    }));

    /// <summary><c>AddAttemptAwareResilienceHandler</c>'s pipeline, strategies in its order, with its default options.</summary>
    public static readonly SimulatorRow AttemptAwareStandardHandler = new(
        "attempt-aware-standard-handler",
        (builder, settings) => AttemptAwareHandler(builder, settings, new HttpAttemptAwareResilienceOptions()));

    /// <summary>The anchor rows, in the order the table shows them.</summary>
    public static readonly SimulatorRow[] All =
        [PollyBreakerOutsideRetry, PollyRetryOutsideBreaker, MsStandardHandler, AttemptAware, AttemptAwareStandardHandler, AttemptAwareAdaptive];

    /// <summary>
    /// Puts this library's composed retry + breaker on the builder with the scenario's thresholds, the HTTP classifier and a state
    /// provider for the scenarios to read; <paramref name="configure"/> adds a row's own breaker settings.
    /// </summary>
    private static RowPipeline ComposedRetryBreaker(
        ResiliencePipelineBuilder<HttpResponseMessage> builder,
        Settings settings,
        Action<AttemptAwareCircuitBreakerStrategyOptions<HttpResponseMessage>> configure)
    {
        var state = new AttemptAwareCircuitBreakerStateProvider();
        var breaker = new AttemptAwareCircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = settings.NeverTrip ? 1.0 : settings.FailureRatio,
            MinimumThroughput = settings.NeverTrip ? int.MaxValue : settings.MinimumThroughput,
            BreakDuration = settings.BreakDuration,
            Classifier = HttpOutcomeClassifiers.Default,
            StateProvider = state,
        };
        configure(breaker);
        builder.AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions<HttpResponseMessage> { MaxRetryAttempts = settings.MaxRetryAttempts }, breaker);
        return new(() => state.CircuitState, ThrowsOnErrorStatus: true);
    }

    /// <summary>
    /// Puts the pipeline of <c>AddAttemptAwareResilienceHandler</c> with <paramref name="options"/> on the builder, as the handler builds it
    /// (rate limiter → total timeout → retry → attempt-aware breaker → attempt timeout). The options are changed only where a simulation
    /// needs it: the state provider that scenarios read, a seeded jitter so runs repeat, and breakers that cannot trip where the scenario
    /// says so. <paramref name="options"/> must be this run's own (a state provider binds to one breaker).
    /// </summary>
    public static RowPipeline AttemptAwareHandler(ResiliencePipelineBuilder<HttpResponseMessage> builder, Settings settings, HttpAttemptAwareResilienceOptions options)
    {
        var state = new AttemptAwareCircuitBreakerStateProvider();
        options.CircuitBreaker.StateProvider = state;
        options.Retry.Randomizer = new Random(42).NextDouble;
        if (settings.NeverTrip)
        {
            options.CircuitBreaker.FailureRatio = 1.0;
            options.CircuitBreaker.MinimumThroughput = int.MaxValue;
            options.CircuitBreaker.ConsecutiveFailureThreshold = null;
        }

        builder.AddAttemptAwareStandardResilience(options);
        return new(() => state.CircuitState, ThrowsOnErrorStatus: false);
    }

    /// <summary>Builds the row's pipeline on the fake clock, with openings observed through telemetry.</summary>
    public static SimulatedClient Create(SimulatorRow row, FakeTimeProvider time, SimulatedDownstream downstream, Settings settings)
    {
        SimulatedClient? client = null;

        // Openings are observed through telemetry, which every breaker reports synchronously. (Polly runs OnOpened callbacks on a
        // background executor and awaits them, which would let the operation race the virtual clock.)
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>
        {
            TimeProvider = time,
            TelemetryListener = new OpenedListener(() => client?.OnOpened()),
        };
        var pipeline = row.Apply(builder, settings);

        client = new SimulatedClient
        {
            Name = row.Name,
            Pipeline = builder.Build(),
            State = pipeline.State,
            ThrowsOnErrorStatus = pipeline.ThrowsOnErrorStatus,
            Downstream = downstream,
        };
        return client;
    }

    private static CircuitBreakerStrategyOptions<HttpResponseMessage> PollyBreaker(Settings settings, CircuitBreakerStateProvider state) => new()
    {
        FailureRatio = settings.NeverTrip ? 1.0 : settings.FailureRatio,
        MinimumThroughput = settings.NeverTrip ? int.MaxValue : settings.MinimumThroughput,
        BreakDuration = settings.BreakDuration,
        StateProvider = state,
    };

    private static RetryStrategyOptions<HttpResponseMessage> PollyRetry(Settings settings) => new() { MaxRetryAttempts = settings.MaxRetryAttempts };

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
