using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary><see cref="SharedCircuitHost.ReportDegraded"/>: the store stopped answering.</summary>
public class ReportDegradedTests : SharedCircuitHostTestBase
{
    [Fact]
    public async Task ReportDegraded_LocalFailureAfterwards_DoesNotUseStaleFleetCounts()
    {
        var pipeline = Build(Options());
        Shared.Host.ApplyFleetHealth([new InstanceHealth(5, 4, 0, 0)]);
        Shared.Host.ReportDegraded(new TimeoutException("store down"));

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public void ReportDegraded_Twice_SnapshotDegradedAndOneEvent()
    {
        Build(Options());

        Shared.Host.ReportDegraded(new TimeoutException("store down"));
        Shared.Host.ReportDegraded(new TimeoutException("still down"));

        Assert.Equal(SharedStateStatus.Degraded, Provider.GetSnapshot().SharedState);
        var degraded = Assert.Single(Listener.Events, e => e.Name == BreakerTelemetry.OnSharedStateDegraded);
        var args = Assert.IsType<SharedStateArguments>(degraded.Arguments);
        Assert.Equal(SharedStateStatus.Degraded, args.Status);
        Assert.Equal("store down", args.Error?.Message);
    }
}
