using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker;

public class OpenStateTests
{
    private readonly FakeTimeProvider _time = new();

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
