using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Controller;

/// <summary>
/// The state machine's admission under its lock and the half-open attempts it counts into the openings by slow probes.
/// Breaker: opens after one failure, slow attempts from 1 s.
/// </summary>
public class CircuitStateMachineTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new();
    private readonly List<int> _halfOpenAttempts = [];

    [Fact]
    public void TryAcquire_GuardedClosedCircuitAfterTheStartWasMeasured_TicketKeepsTheMeasuredStart()
    {
        var machine = Controllers.Build(Options(), _time).Machine;
        var startedAt = machine.Clock.Now;
        _time.Advance(TimeSpan.FromMilliseconds(300));

        var admission = machine.TryAcquire(null, startedAt);

        Assert.True(admission.IsGranted);
        Assert.Equal(startedAt, admission.Ticket.StartedAt);
    }

    [Fact]
    public async Task Execute_ProbeFinishesSlow_ReopeningCountsOneHalfOpenAttempt()
    {
        var pipeline = await OpenedAsync();
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream
        {
            Behaviour = _ =>
            {
                _time.Advance(Slow);
                return new(200);
            },
        });

        Assert.Equal([0, 1], _halfOpenAttempts);
    }

    [Fact]
    public async Task Execute_ProbeOverdueAtTheNextAdmission_ReopeningCountsOneHalfOpenAttempt()
    {
        var pipeline = await OpenedAsync();
        _time.Advance(Breakers.Break);
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = pipeline.RunAsync(new Downstream { Behaviour = _ => new(answer.Task) });
        _time.Advance(Slow);

        await pipeline.RunAsync(new Downstream());
        answer.SetResult(200);
        await probe;

        Assert.Equal([0, 1], _halfOpenAttempts);
    }

    private AttemptAwareCircuitBreakerStrategyOptions<int> Options()
    {
        var options = Breakers.Consecutive(1);
        options.SlowAttemptThreshold = Slow;
        options.BreakDurationGenerator = args =>
        {
            _halfOpenAttempts.Add(args.HalfOpenAttempts);
            return new(Breakers.Break);
        };
        return options;
    }

    private async Task<ResiliencePipeline<int>> OpenedAsync()
    {
        var pipeline = Breakers.Build(Options(), _time);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        return pipeline;
    }
}
