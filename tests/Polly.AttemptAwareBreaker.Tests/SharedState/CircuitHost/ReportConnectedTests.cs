namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary><see cref="SharedCircuitHost.ReportConnected"/>: the store answers again.</summary>
public class ReportConnectedTests : SharedCircuitHostTestBase
{
    [Fact]
    public void ReportConnected_AfterDegraded_SnapshotConnectedAndEvent()
    {
        Build(Options());
        Shared.Host.ReportDegraded(new TimeoutException("store down"));

        Shared.Host.ReportConnected();

        Assert.Equal(SharedStateStatus.Connected, Provider.GetSnapshot().SharedState);
        var connected = Assert.Single(Listener.Events, e => e.Name == BreakerTelemetry.OnSharedStateConnected);
        Assert.Equal(SharedStateStatus.Connected, Assert.IsType<SharedStateArguments>(connected.Arguments).Status);
    }
}
