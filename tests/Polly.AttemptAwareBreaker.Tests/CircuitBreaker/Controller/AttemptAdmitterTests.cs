using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;
using Polly.AttemptAwareBreaker.Tests.SharedState;
using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Controller;

/// <summary>
/// Admission under the state machine's lock: the attempt numbers of an operation's attempts and the fleet slot a local probe holds.
/// </summary>
public class AttemptAdmitterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryAcquire_SecondAttemptOfAnOperationThroughAGuardedClosedCircuit_IsNumberedOne()
    {
        var options = Breakers.Consecutive(5);
        options.SlowAttemptThreshold = TimeSpan.FromSeconds(1);
        var machine = Controllers.Build(options, _time).Machine;
        var operation = new OperationRecord();
        machine.TryAcquire(operation, AttemptTicket.NotMeasured);

        var second = machine.TryAcquire(operation, AttemptTicket.NotMeasured);

        Assert.Equal(1, second.Ticket.AttemptNumber);
    }

    [Fact]
    public void TryAcquire_SecondShadowAttemptOfAnOperation_IsNumberedOne()
    {
        var options = Breakers.Consecutive(5);
        options.Enforcement = CircuitBreakerEnforcement.Shadow;
        var machine = Controllers.Build(options, _time).Machine;
        machine.IsolateManually();
        var operation = new OperationRecord();
        machine.TryAcquire(operation, AttemptTicket.NotMeasured);

        var second = machine.TryAcquire(operation, AttemptTicket.NotMeasured);

        Assert.True(second.Ticket.IsShadow);
        Assert.Equal(1, second.Ticket.AttemptNumber);
    }

    [Fact]
    public async Task Execute_ProbeSentWhileTheStoreIsUnreachableForAWindow_ReleasesNoFleetSlot()
    {
        var shared = new FakeSharedState();
        var options = Breakers.Consecutive(1);
        options.SharedState = shared;
        var pipeline = new ResiliencePipelineBuilder<int> { Name = "orders", TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        shared.Host.ReportDegraded(new TimeoutException("store down"));
        _time.Advance(options.SamplingDuration);
        var downstream = new Downstream();

        await pipeline.RunAsync(downstream);

        // The probe went ahead on its local slot alone; it has no fleet slot to give back.
        Assert.Equal(1, downstream.Calls);
        Assert.Empty(shared.Released);
    }
}
