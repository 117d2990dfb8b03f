using System.ComponentModel.DataAnnotations;
using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.PartialFailures;

/// <summary>
/// Server-requested breaks: a pause the downstream asks for (read by <c>RequestedBreakGenerator</c>) opens the circuit until then, within
/// the minimum and maximum.
/// </summary>
public class RequestedBreakTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerRegistry _registry = new();
    private readonly List<CircuitStateChangeReason> _reasons = [];
    private readonly List<TimeSpan> _breaks = [];

    public RequestedBreakTests() => _registry.StateChanged += (_, c) => _reasons.Add(c.Reason);

    [Fact]
    public async Task Execute_DownstreamAsksForTwoSeconds_OpensWithReasonServerRequested()
    {
        var pipeline = Build(Options());

        await pipeline.RunAsync(Downstream.Answering(429));

        Assert.Equal([CircuitStateChangeReason.ServerRequested], _reasons);
    }

    [Fact]
    public async Task Execute_DownstreamAsksForTwoSeconds_RejectionsTellTheTimeLeft()
    {
        var pipeline = Build(Options());
        await pipeline.RunAsync(Downstream.Answering(429));
        _time.Advance(TimeSpan.FromMilliseconds(500));

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(TimeSpan.FromMilliseconds(1500), Assert.IsType<BrokenCircuitException>(outcome.Exception).RetryAfter);
    }

    [Fact]
    public async Task Execute_RequestedPauseOver_ProbeClosesTheCircuit()
    {
        var pipeline = Build(Options());
        await pipeline.RunAsync(Downstream.Answering(429));
        _time.Advance(TimeSpan.FromSeconds(2));

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
        Assert.Equal(CircuitState.Closed, _registry.GetSnapshot(Name).State);
    }

    [Fact]
    public async Task Execute_PauseShorterThanTheMinimum_LeavesTheCircuitClosed()
    {
        var options = Options(pause: TimeSpan.FromMilliseconds(999));
        var pipeline = Build(options);

        await pipeline.RunAsync(Downstream.Answering(429));

        Assert.Equal(CircuitState.Closed, _registry.GetSnapshot(Name).State);
    }

    [Fact]
    public async Task Execute_PauseLongerThanTheMaximum_BreakIsTheMaximum()
    {
        var options = Options(pause: TimeSpan.FromHours(1));
        options.RequestedBreakMaximum = TimeSpan.FromSeconds(30);
        var pipeline = Build(options);

        await pipeline.RunAsync(Downstream.Answering(429));

        Assert.Equal(TimeSpan.FromSeconds(30), _registry.GetSnapshot(Name).RetryAfter);
    }

    [Fact]
    public async Task Execute_RequestedBreak_OnOpenedReceivesItAndTheGeneratorIsNotAsked()
    {
        var options = Options();
        options.BreakDurationGenerator = _ => new(TimeSpan.FromMinutes(10));
        var pipeline = Build(options);

        await pipeline.RunAsync(Downstream.Answering(429));

        Assert.Equal([TimeSpan.FromSeconds(2)], _breaks);
        Assert.Equal(TimeSpan.FromSeconds(2), _registry.GetSnapshot(Name).RetryAfter);
    }

    [Fact]
    public async Task Execute_GeneratorThrows_OutcomeGoesBackUnchangedAndCircuitStaysClosed()
    {
        var options = Options();
        options.RequestedBreakGenerator = _ => throw new InvalidOperationException("bad header");
        var pipeline = Build(options);

        var outcome = await pipeline.RunAsync(Downstream.Answering(429));

        Assert.Equal(429, outcome.Result);
        Assert.Equal(CircuitState.Closed, _registry.GetSnapshot(Name).State);
    }

    [Fact]
    public async Task Execute_HalfOpenProbeAsksForAPause_OpensForThatPause()
    {
        var options = Options();
        options.ConsecutiveFailureThreshold = 1;
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.Answering(503));
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(Downstream.Answering(429));

        Assert.Equal((CircuitState.Open, TimeSpan.FromSeconds(2)), (_registry.GetSnapshot(Name).State, _registry.GetSnapshot(Name).RetryAfter));
        Assert.Equal(CircuitStateChangeReason.ServerRequested, _reasons[^1]);
    }

    [Fact]
    public async Task ReportAsync_GateReportsAnExceptionThatAsksForAPause_OpensForThatPauseWithReasonServerRequested()
    {
        using var gate = new AttemptAwareCircuitBreakerGate(
            new AttemptAwareCircuitBreakerStrategyOptions
            {
                Name = "gate",
                Registry = _registry,
                RequestedBreakGenerator = args => new(args.Outcome.Exception is TimeoutException ? TimeSpan.FromSeconds(2) : null),
            },
            _time);
        var permit = await gate.TryAcquireAsync();

        await permit.ReportAsync(OutcomeClass.TransientFailure, new TimeoutException());

        Assert.Equal((CircuitState.Open, TimeSpan.FromSeconds(2)), (gate.GetSnapshot().State, gate.GetSnapshot().RetryAfter));
        Assert.Equal([CircuitStateChangeReason.ServerRequested], _reasons);
    }

    [Fact]
    public void AddAttemptAwareCircuitBreaker_MinimumAboveMaximum_ThrowsValidationExceptionNamingBoth()
    {
        var options = Options();
        options.RequestedBreakMinimum = TimeSpan.FromMinutes(2);
        options.RequestedBreakMaximum = TimeSpan.FromMinutes(1);

        var ex = Assert.Throws<ValidationException>(() => new ResiliencePipelineBuilder<int>().AddAttemptAwareCircuitBreaker(options));

        Assert.Contains("RequestedBreakMinimum is 00:02:00; it must be at most RequestedBreakMaximum (00:01:00).", ex.Message, StringComparison.Ordinal);
    }

    private const string Name = "requested/AttemptAwareCircuitBreaker";

    private AttemptAwareCircuitBreakerStrategyOptions<int> Options(TimeSpan? pause = null) => new()
    {
        FailureRatio = 1,
        MinimumThroughput = int.MaxValue,
        BreakDuration = Breakers.Break,
        Classifier = Breakers.StatusClassifier,
        Registry = _registry,
        RequestedBreakGenerator = args => new(args.Outcome.Result == 429 ? pause ?? TimeSpan.FromSeconds(2) : null),
        OnOpened = args =>
        {
            _breaks.Add(args.BreakDuration);
            return default;
        },
    };

    private ResiliencePipeline<int> Build(AttemptAwareCircuitBreakerStrategyOptions<int> options)
        => new ResiliencePipelineBuilder<int> { Name = "requested", TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();
}
