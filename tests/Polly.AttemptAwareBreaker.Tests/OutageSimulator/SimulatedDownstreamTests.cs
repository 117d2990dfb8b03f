using System.Net;
using Microsoft.Extensions.Time.Testing;
using Polly.AttemptAwareBreaker.OutageSimulator;

namespace Polly.AttemptAwareBreaker.Tests.OutageSimulator;

/// <summary>The simulated downstream answers after its latency on the virtual clock, and ends a cancelled call where it is cancelled.</summary>
public class SimulatedDownstreamTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void SendAsync_CallerCancelsDuringTheLatency_CallEndsBeforeCancelReturns()
    {
        var downstream = new SimulatedDownstream(_time, _ => HttpStatusCode.OK, TimeSpan.FromSeconds(5));
        using var cancellation = new CancellationTokenSource();
        var call = downstream.SendAsync(cancellation.Token);

        cancellation.Cancel();

        // Nothing may go on on another thread while the simulation's loop moves the clock on.
        Assert.True(call.IsCanceled);
        Assert.Equal(0, downstream.InFlight);
    }

    [Fact]
    public async Task SendAsync_LatencySetByArrival_AnswersWhenTheClockReachesIt()
    {
        var downstream = new SimulatedDownstream(_time, _ => HttpStatusCode.OK, arrival => arrival < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(5) : TimeSpan.Zero);
        var call = downstream.SendAsync(TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromMilliseconds(4990));
        var answeredEarly = call.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.False(answeredEarly);
        Assert.True(call.IsCompletedSuccessfully);
        using var answer = await call;
    }
}
