using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary>
/// The setup of the tests of the breaker's side of shared state, driven through the public extension point with an in-memory store
/// (<see cref="FakeSharedState"/>, whose <see cref="FakeSharedState.Host"/> plays the fleet): a breaker named "breaker" in the pipeline
/// "orders" on a fake clock, with a state provider and a telemetry listener. xUnit creates an instance per test, so each starts afresh.
/// </summary>
public abstract class SharedCircuitHostTestBase
{
    private protected FakeTimeProvider Time { get; } = new();

    private protected FakeSharedState Shared { get; } = new();

    private protected AttemptAwareCircuitBreakerStateProvider Provider { get; } = new();

    private protected RecordingListener Listener { get; } = new();

    /// <summary>Options whose failure-ratio rule opens at 0.5 with at least 10 attempts, attached to the store.</summary>
    private protected AttemptAwareCircuitBreakerStrategyOptions<int> Options(int? consecutive = null) => new()
    {
        Name = "breaker",
        FailureRatio = 0.5,
        MinimumThroughput = 10,
        ConsecutiveFailureThreshold = consecutive,
        BreakDuration = Breakers.Break,
        StateProvider = Provider,
        SharedState = Shared,
    };

    private protected ResiliencePipeline<int> Build(AttemptAwareCircuitBreakerStrategyOptions<int> options)
        => new ResiliencePipelineBuilder<int> { Name = "orders", TimeProvider = Time, TelemetryListener = Listener }
            .AddAttemptAwareCircuitBreaker(options)
            .Build();

    /// <summary>Opens the circuit with one failure and lets the break pass: the next call is a half-open probe.</summary>
    private protected async Task<ResiliencePipeline<int>> OpenedAndBreakOverAsync()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        Time.Advance(Breakers.Break);
        return pipeline;
    }
}
