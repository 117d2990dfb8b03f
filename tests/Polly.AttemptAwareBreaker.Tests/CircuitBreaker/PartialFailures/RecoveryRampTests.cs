using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.PartialFailures;

/// <summary>
/// Gradual recovery: after the circuit closes from half-open, the share of attempts admitted grows from the floor to all over
/// <c>RecoveryRampDuration</c>; the randomizer is scripted so every decision is known.
/// </summary>
public class RecoveryRampTests
{
    private static readonly TimeSpan Ramp = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _provider = new();
    private readonly AttemptAwareCircuitBreakerManualControl _control = new();
    private double _random = 0.999;

    [Fact]
    public async Task Execute_JustAfterAProbeClosedTheCircuit_AdmitsTheFloorShare()
    {
        var pipeline = await RecoveredAsync();

        _random = 0.09;
        var admitted = await pipeline.RunAsync(new Downstream());
        _random = 0.11;
        var refused = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, admitted.Result);
        Assert.IsType<BrokenCircuitException>(refused.Exception);
    }

    [Fact]
    public async Task Execute_HalfwayThroughTheRamp_AdmitsHalfwayBetweenFloorAndAll()
    {
        var pipeline = await RecoveredAsync();
        _time.Advance(Ramp / 2);

        // 0.1 + 0.9 × 0.5 = 0.55.
        _random = 0.54;
        var admitted = await pipeline.RunAsync(new Downstream());
        _random = 0.56;
        var refused = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, admitted.Result);
        Assert.IsType<BrokenCircuitException>(refused.Exception);
    }

    [Fact]
    public async Task Execute_RampOver_AdmitsEveryAttempt()
    {
        var pipeline = await RecoveredAsync();
        _time.Advance(Ramp);

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Execute_Refused_RejectionNamesTheRampWithATenthOfItAsRetryAfter()
    {
        var pipeline = await RecoveredAsync();

        var outcome = await pipeline.RunAsync(new Downstream());

        var rejection = Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(TimeSpan.FromSeconds(1), rejection.RetryAfter);
        Assert.Contains("recovery ramp", rejection.Message, StringComparison.Ordinal);
        Assert.Equal(1, _provider.GetSnapshot().TotalRejections);
    }

    [Fact]
    public async Task Execute_ClosedByHand_NoRamp()
    {
        var pipeline = await OpenedAsync();
        await _control.CloseAsync(TestContext.Current.CancellationToken);

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Execute_FailureRatioDuringTheRamp_OpensOnceTheWindowHoldsTheRampsShareOfTheMinimum()
    {
        var pipeline = await RecoveredAsync();
        _random = 0;

        // At the floor the ramp needs 10 % of a minimum throughput of 20: two counted attempts.
        await pipeline.RunAsync(Downstream.Answering(503));
        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
        await pipeline.RunAsync(Downstream.Answering(503));

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_FailuresBelowTheRatioDuringTheRamp_StayClosed()
    {
        var pipeline = await RecoveredAsync();
        _random = 0;

        await pipeline.RunAsync(new Downstream());
        await pipeline.RunAsync(new Downstream());
        await pipeline.RunAsync(Downstream.Answering(503));

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_RampOff_ClosesToFullTraffic()
    {
        var options = Options();
        options.RecoveryRampDuration = null;
        var pipeline = await RecoveredAsync(options);

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    private AttemptAwareCircuitBreakerStrategyOptions<int> Options() => new()
    {
        ConsecutiveFailureThreshold = 1,
        FailureRatio = 0.6,
        MinimumThroughput = 20,
        BreakDuration = Breakers.Break,
        RecoveryRampDuration = Ramp,
        RecoveryRampFloor = 0.1,
        StateProvider = _provider,
        ManualControl = _control,
        Classifier = Breakers.StatusClassifier,
        Randomizer = () => _random,
    };

    private async Task<ResiliencePipeline<int>> OpenedAsync(AttemptAwareCircuitBreakerStrategyOptions<int>? options = null)
    {
        var pipeline = Breakers.Build(options ?? Options(), _time);
        await pipeline.RunAsync(Downstream.Answering(503));
        Assert.Equal(CircuitState.Open, _provider.CircuitState);
        return pipeline;
    }

    /// <summary>
    /// Opens the circuit on the failure ratio (20 failures), lets the break pass and closes it with a successful probe: the ramp starts
    /// at that moment. The randomizer then refuses everything the ramp can refuse until a test sets it.
    /// </summary>
    private async Task<ResiliencePipeline<int>> RecoveredAsync(AttemptAwareCircuitBreakerStrategyOptions<int>? options = null)
    {
        var opts = options ?? Options();
        opts.ConsecutiveFailureThreshold = null;
        var pipeline = Breakers.Build(opts, _time);
        for (var i = 0; i < 20; i++)
        {
            await pipeline.RunAsync(Downstream.Answering(503));
        }

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
        _time.Advance(Breakers.Break);
        await pipeline.RunAsync(new Downstream());
        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
        _random = 0.999;
        return pipeline;
    }
}
