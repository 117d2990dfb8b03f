using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Controller;

/// <summary>
/// Every transition starts a new generation of the circuit; an attempt admitted by an earlier generation is counted in the statistics
/// but cannot move the circuit of a later one (the "overhanging calls" problem: attempts still in flight when the circuit opened).
/// </summary>
public class GenerationTests
{
    private const int InFlight = 30;

    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _provider = new();
    private readonly TaskCompletionSource<int> _hung = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task Execute_ThirtyAttemptsInFlightFailAfterAProbeClosedTheCircuit_CircuitStaysClosed()
    {
        var (pipeline, overhanging) = await RecoveredWithThirtyInFlightAsync();

        _hung.SetException(new TimeoutException("the downstream took too long"));
        await Task.WhenAll(overhanging);

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
        Assert.Equal(200, (await pipeline.RunAsync(new Downstream())).Result);
    }

    [Fact]
    public async Task Execute_ThirtyAttemptsInFlightFailAfterAProbeClosedTheCircuit_CountedInTotalsAndWindow()
    {
        var (_, overhanging) = await RecoveredWithThirtyInFlightAsync();

        _hung.SetException(new TimeoutException("the downstream took too long"));
        await Task.WhenAll(overhanging);

        var snapshot = _provider.GetSnapshot();
        Assert.Equal(InFlight + 5, snapshot.TotalAttempts.TransientFailures);
        Assert.Equal(InFlight, snapshot.WindowAttempts.TransientFailures);
    }

    [Fact]
    public async Task Execute_ThirtyAttemptsInFlightFailAfterAProbeClosedTheCircuit_DoNotRunUpConsecutiveFailures()
    {
        var (_, overhanging) = await RecoveredWithThirtyInFlightAsync();

        _hung.SetException(new TimeoutException("the downstream took too long"));
        await Task.WhenAll(overhanging);

        Assert.Equal(0, _provider.GetSnapshot().ConsecutiveFailures);
    }

    [Fact]
    public async Task Execute_FreshFailuresAfterOverhangingOnes_JudgedWithoutThem()
    {
        var (pipeline, overhanging) = await RecoveredWithThirtyInFlightAsync();
        _hung.SetException(new TimeoutException("the downstream took too long"));
        await Task.WhenAll(overhanging);

        // One fresh failure against 29 fresh successes: far below the ratio unless the 30 late failures were judged too.
        for (var i = 0; i < 29; i++)
        {
            await pipeline.RunAsync(new Downstream());
        }

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_LateSuccessOfAnEarlierGenerationWhileHalfOpen_DoesNotCloseTheCircuit()
    {
        var pipeline = Breakers.Build(Options(), _time);
        var overhanging = pipeline.RunAsync(new Downstream { Behaviour = _ => new(_hung.Task) });
        await OpenAsync(pipeline);
        _time.Advance(Breakers.Break);
        var probe = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probing = pipeline.RunAsync(new Downstream { Behaviour = _ => new(probe.Task) });

        _hung.SetResult(200);
        await overhanging;

        Assert.Equal(CircuitState.HalfOpen, _provider.CircuitState);
        probe.SetResult(200);
        await probing;
    }

    private AttemptAwareCircuitBreakerStrategyOptions<int> Options() => new()
    {
        FailureRatio = 0.5,
        MinimumThroughput = 5,
        BreakDuration = Breakers.Break,
        StateProvider = _provider,
    };

    /// <summary>
    /// 30 attempts hang in the downstream; five failures open the circuit; after the break a probe succeeds and closes it. Returns the
    /// pipeline and the 30 operations still in flight.
    /// </summary>
    private async Task<(ResiliencePipeline<int> Pipeline, Task<Outcome<int>>[] Overhanging)> RecoveredWithThirtyInFlightAsync()
    {
        var pipeline = Breakers.Build(Options(), _time);
        var slow = new Downstream { Behaviour = _ => new(_hung.Task) };
        var overhanging = Enumerable.Range(0, InFlight).Select(_ => pipeline.RunAsync(slow)).ToArray();
        await OpenAsync(pipeline);
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
        Assert.All(overhanging, o => Assert.False(o.IsCompleted));
        return (pipeline, overhanging);
    }

    private async Task OpenAsync(ResiliencePipeline<int> pipeline)
    {
        for (var i = 0; i < 5; i++)
        {
            await pipeline.RunAsync(Downstream.AlwaysFailing());
        }

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }
}
