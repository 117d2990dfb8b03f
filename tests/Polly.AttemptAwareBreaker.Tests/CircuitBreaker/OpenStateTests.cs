using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class OpenStateTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Snapshot_Closed_HasNoRetryAfter()
    {
        var provider = new AttemptAwareCircuitBreakerStateProvider();
        var pipeline = Breakers.Build(Breakers.Consecutive(1, provider), _time);

        await pipeline.RunAsync(new Downstream());

        Assert.Null(provider.GetSnapshot().RetryAfter);
    }

    [Fact]
    public async Task BreakDurationGenerator_ReturnsZero_ConfiguredBreakDurationApplies()
    {
        var options = Breakers.Consecutive(1);
        options.BreakDurationGenerator = _ => new(TimeSpan.Zero);
        var pipeline = Breakers.Build(options, _time);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(Breakers.Break, Assert.IsType<BrokenCircuitException>(outcome.Exception).RetryAfter);
    }

    [Fact]
    public async Task BreakDurationGenerator_ConsecutiveRuleTrips_ReceivesWindowFailureRatioAndCount()
    {
        var options = Breakers.Consecutive(3);
        BreakDurationGeneratorArguments? received = null;
        options.BreakDurationGenerator = args =>
        {
            received = args;
            return new(Breakers.Break);
        };
        var pipeline = Breakers.Build(options, _time);
        await pipeline.RunAsync(new Downstream());

        for (var i = 0; i < 3; i++)
        {
            await pipeline.RunAsync(Downstream.AlwaysFailing());
        }

        Assert.Equal((0.75, 3), (received?.FailureRate, received?.FailureCount));
    }

    [Fact]
    public async Task BreakDurationGenerator_RatioRuleTrips_ReceivesRatioAndFailureCount()
    {
        BreakDurationGeneratorArguments? received = null;
        var options = new AttemptAwareCircuitBreakerStrategyOptions<int>
        {
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            BreakDurationGenerator = args =>
            {
                received = args;
                return new(Breakers.Break);
            },
        };
        var pipeline = Breakers.Build(options, _time);
        await pipeline.RunAsync(new Downstream());
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(new Downstream());

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal((0.5, 2), (received?.FailureRate, received?.FailureCount));
    }

    [Fact]
    public async Task Execute_Isolated_RejectionSaysTheCircuitIsIsolated()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var options = Breakers.Consecutive(1);
        options.ManualControl = control;
        var pipeline = Breakers.Build(options, _time);
        await control.IsolateAsync();

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Contains("isolated", Assert.IsType<IsolatedCircuitException>(outcome.Exception).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Isolate_ByManualControl_ReportsOpenedTelemetry()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var listener = new RecordingListener();
        var options = Breakers.Consecutive(1);
        options.ManualControl = control;
        _ = new ResiliencePipelineBuilder<int> { TimeProvider = _time, TelemetryListener = listener }.AddAttemptAwareCircuitBreaker(options).Build();

        await control.IsolateAsync();

        var opened = Assert.Single(listener.Events, e => e.Name == "OnCircuitOpened");
        Assert.True(Assert.IsType<OnCircuitOpenedArguments<int>>(opened.Arguments).IsManual);
    }

    [Fact]
    public async Task OnOpened_Isolated_IsManualWithEndlessBreak()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        OnCircuitOpenedArguments<int>? received = null;
        var options = Breakers.Consecutive(1);
        options.ManualControl = control;
        options.OnOpened = args =>
        {
            received = args;
            return default;
        };
        _ = Breakers.Build(options, _time);

        await control.IsolateAsync();

        Assert.Equal((true, TimeSpan.MaxValue), (received?.IsManual, received?.BreakDuration));
    }

    [Fact]
    public async Task Execute_WhileOpen_RejectsWithoutCallingDownstream()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(1), _time);
        var downstream = Downstream.AlwaysFailing();
        await pipeline.RunAsync(downstream);

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(1, downstream.Calls);
    }

    [Fact]
    public async Task Execute_WhileOpen_RetryAfterIsTimeLeftInBreak()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(1), _time);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(TimeSpan.FromSeconds(2));

        var outcome = await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(TimeSpan.FromSeconds(3), Assert.IsType<BrokenCircuitException>(outcome.Exception).RetryAfter);
    }

    [Fact]
    public async Task Execute_WhileOpen_RejectionCarriesLastFailureAsInnerException()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(1), _time);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        var outcome = await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.IsType<InvalidOperationException>(outcome.Exception!.InnerException);
    }

    [Fact]
    public async Task Execute_JustBeforeBreakEnds_StillRejects()
    {
        var pipeline = Breakers.Build(Breakers.Consecutive(1), _time);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break - TimeSpan.FromMilliseconds(1));
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public async Task BreakDurationGenerator_Set_BreakLastsTheGeneratedDuration()
    {
        var options = Breakers.Consecutive(1);
        options.BreakDurationGenerator = _ => new(TimeSpan.FromSeconds(20));
        var pipeline = Breakers.Build(options, _time);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(TimeSpan.FromSeconds(19));

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(TimeSpan.FromSeconds(1), Assert.IsType<BrokenCircuitException>(outcome.Exception).RetryAfter);
    }

    [Fact]
    public async Task BreakDurationGenerator_ProbeFailsAgain_ReceivesGrowingHalfOpenAttempts()
    {
        var seen = new List<int>();
        var options = Breakers.Consecutive(1);
        options.BreakDurationGenerator = args =>
        {
            seen.Add(args.HalfOpenAttempts);
            return new(TimeSpan.FromSeconds(Math.Pow(2, args.HalfOpenAttempts)));
        };
        var pipeline = Breakers.Build(options, _time);
        var failing = Downstream.AlwaysFailing();

        await pipeline.RunAsync(failing);
        _time.Advance(TimeSpan.FromSeconds(1));
        await pipeline.RunAsync(failing);
        _time.Advance(TimeSpan.FromSeconds(2));
        await pipeline.RunAsync(failing);

        Assert.Equal([0, 1, 2], seen);
        Assert.Equal(3, failing.Calls);
    }

    [Fact]
    public async Task OnOpened_CircuitTrips_ReceivesBreakDurationAndFailure()
    {
        OnCircuitOpenedArguments<int>? received = null;
        var options = Breakers.Consecutive(2);
        options.OnOpened = args =>
        {
            received = args;
            return default;
        };
        var pipeline = Breakers.Build(options, _time);

        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.NotNull(received);
        Assert.Equal(Breakers.Break, received.Value.BreakDuration);
        Assert.False(received.Value.IsManual);
        Assert.IsType<InvalidOperationException>(received.Value.Outcome.Exception);
    }

    [Fact]
    public async Task Telemetry_StateChanges_UsePollyEventNames()
    {
        var listener = new RecordingListener();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time, TelemetryListener = listener }
            .AddAttemptAwareCircuitBreaker(Breakers.Consecutive(1))
            .Build();

        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);
        await pipeline.RunAsync(new Downstream());

        Assert.Equal(
            ["OnAttemptFailed", "OnCircuitOpened", "OnCircuitHalfOpened", "OnCircuitClosed"],
            listener.Names.ToArray());
    }

    [Fact]
    public async Task Telemetry_Rejection_IsAttributedToTheStrategy()
    {
        var options = Breakers.Consecutive(1);
        options.Name = "my-breaker";
        var pipeline = Breakers.Build(options, _time);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal("my-breaker", Assert.IsType<BrokenCircuitException>(outcome.Exception).TelemetrySource?.StrategyName);
    }
}
