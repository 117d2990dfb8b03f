namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary>The snapshot of a breaker with shared state.</summary>
public class SnapshotTests : SharedCircuitHostTestBase
{
    [Fact]
    public void Snapshot_SharedStateAttached_ReportsConnected()
    {
        Build(Options());

        Assert.Equal(SharedStateStatus.Connected, Provider.GetSnapshot().SharedState);
    }
}
