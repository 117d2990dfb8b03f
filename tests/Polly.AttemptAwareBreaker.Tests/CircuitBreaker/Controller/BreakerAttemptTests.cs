using Polly.AttemptAwareBreaker.Tests.SharedState;
using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Controller;

/// <summary>
/// One attempt through the circuit: a rejection that changed the state in a shared circuit, a pause read after a classifier that
/// completes later, and a requested pause of zero.
/// </summary>
public class BreakerAttemptTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _provider = new();

    [Fact]
    public async Task Execute_RejectionThatReopensASharedCircuit_DoesNotReachTheDownstream()
    {
        var shared = new FakeSharedState { ProbeAnswer = 0 };
        var options = Breakers.Consecutive(1);
        options.SlowAttemptThreshold = TimeSpan.FromSeconds(1);
        options.SharedState = shared;
        var pipeline = new ResiliencePipelineBuilder<int> { Name = "orders", TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = pipeline.RunAsync(new Downstream { Behaviour = _ => new(answer.Task) });
        _time.Advance(TimeSpan.FromSeconds(1));
        var downstream = new Downstream();

        // The overdue probe reopens the circuit at this admission, which is rejected.
        var outcome = await pipeline.RunAsync(downstream);
        answer.SetResult(200);
        await probe;

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public async Task Execute_ClassifierCompletesLaterAndDownstreamAsksForAPause_OpensTheCircuit()
    {
        var options = Breakers.Consecutive(5);
        options.StateProvider = _provider;
        options.Classifier = async _ =>
        {
            await Task.Yield();
            return OutcomeClass.Success;
        };
        options.RequestedBreakGenerator = _ => new(TimeSpan.FromSeconds(2));
        var pipeline = Breakers.Build(options, _time);

        await pipeline.RunAsync(new Downstream());

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_ZeroPauseAllowedByTheMinimum_FailureIsJudgedByTheRules()
    {
        var options = Breakers.Consecutive(1);
        options.StateProvider = _provider;
        options.RequestedBreakMinimum = TimeSpan.Zero;
        options.RequestedBreakGenerator = _ => new(TimeSpan.Zero);
        var pipeline = Breakers.Build(options, _time);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        // A pause of zero is no pause: the failure trips the consecutive-failures rule.
        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }
}
