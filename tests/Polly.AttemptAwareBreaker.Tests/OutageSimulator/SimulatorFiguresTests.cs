using Polly.AttemptAwareBreaker.OutageSimulator;

namespace Polly.AttemptAwareBreaker.Tests.OutageSimulator;

/// <summary>
/// The simulator's figures for this library meet the bounds the other issues set. Each test runs one scenario for the
/// attempt-aware configuration (and, where the comparison is the point, for Polly's) in virtual time.
/// </summary>
public class SimulatorFiguresTests
{
    private static readonly SimulatorRow AttemptAware = Configurations.AttemptAware;
    private static readonly SimulatorRow Adaptive = Configurations.AttemptAwareAdaptive;

    [Fact]
    public void HardOutage_AttemptAware_OpensAfterExactlyTheThresholdOfDownstreamCalls()
        => Assert.Equal(5, Scenarios.HardOutage(AttemptAware)["downstreamCallsBeforeOpen"]);

    [Fact]
    public void HardOutage_AttemptAwareStandardHandlerDefaults_AtMostTenDownstreamCallsBeforeOpen()
        => Assert.InRange(Scenarios.HardOutage(Configurations.AttemptAwareStandardHandler)["downstreamCallsBeforeOpen"], 1, 10);

    [Fact]
    public void Noise_AttemptAwareStandardHandlerDefaults_TenPercentAt100PerSecondForTenMinutesNeverOpens()
        => Assert.Equal(0, Scenarios.Noise(Configurations.AttemptAwareStandardHandler)["falseOpens"]);

    [Fact]
    public void HardOutage_PollyBreakerOutsideRetry_LetsManyMoreCallsThrough()
        => Assert.True(Scenarios.HardOutage(Configurations.PollyBreakerOutsideRetry)["downstreamCallsBeforeOpen"] > 15);

    [Fact]
    public void OpenCircuit_AttemptAware_RejectsWithoutWaitOrDownstreamCall()
    {
        var figures = Scenarios.OpenCircuit(AttemptAware);

        Assert.Equal(0, figures["openRejectionLatencyMs"]);
        Assert.Equal(0, figures["callsDuringOpen"]);
        Assert.Equal(0, figures["extraAttemptsAfterOpen"]);
        Assert.Equal(0, figures["waitAfterOpenMs"]);
    }

    [Fact]
    public void OpenCircuit_PollyRetryOutsideBreaker_WaitsThroughRetryDelays()
        => Assert.Equal(4000, Scenarios.OpenCircuit(Configurations.PollyRetryOutsideBreaker)["openRejectionLatencyMs"]);

    [Fact]
    public void SustainedDegradation_AttemptAware_AmplificationWithinBudget()
    {
        // 6,000 operations over 60 s plus at most 4 s of retries draining: 1.2 + 10/s × 64 s / 6,000.
        const double Bound = 1.2 + (10.0 * 64 / 6000);

        Assert.InRange(Scenarios.SustainedDegradation(AttemptAware)["amplification"], 1.0, Bound);
    }

    [Fact]
    public void PermanentErrors_AttemptAware_NeverOpenAndNeverRetry()
    {
        var figures = Scenarios.PermanentErrors(AttemptAware);

        Assert.Equal(0, figures["permanentErrorsOpenedCircuit"]);
        Assert.Equal(0, figures["retriesMade"]);
    }

    [Fact]
    public void Recovery_AttemptAware_AdmitsExactlyTheConfiguredProbeAndCloses()
    {
        var figures = Scenarios.Recovery(AttemptAware);

        Assert.Equal(1, figures["halfOpenProbesAdmitted"]);
        Assert.False(double.IsNaN(figures["timeToCloseAfterHealMs"]));
        Assert.NotEmpty(figures.Series[Scenarios.RecoverySeries]);
    }

    [Fact]
    public void Noise_AttemptAware_NoFalseOpens()
        => Assert.Equal(0, Scenarios.Noise(AttemptAware)["falseOpens"]);

    [Fact]
    public void SlowDownstream_AttemptAwareAdaptive_OpensWithinTwoSecondsOfTrafficAfterTheSlowdown()
    {
        var figures = PartialFailureScenarios.SlowDownstream(Adaptive);

        Assert.Equal(1, figures["slowDownstreamOpened"]);
        Assert.InRange(figures["callsBeforeSlowOpen"], 1, 100);
    }

    [Fact]
    public void Overload_AttemptAwareAdaptive_KeepsEightyPercentOfCapacityAsGoodputWithoutOpening()
    {
        var figures = PartialFailureScenarios.Overload(Adaptive);

        Assert.InRange(figures["goodputRatio"], 0.8, 1.0);
        Assert.Equal(0, figures["opens"]);
    }

    [Fact]
    public void Overload_AttemptAwareAdaptive_AtLeastOneAndAHalfTimesTheGoodputOfEveryPollyAndMicrosoftRow()
    {
        var anchors = new[] { Configurations.PollyBreakerOutsideRetry, Configurations.PollyRetryOutsideBreaker, Configurations.MsStandardHandler };
        var best = anchors.Max(row => PartialFailureScenarios.Overload(row)["goodputRatio"]);

        Assert.True(PartialFailureScenarios.Overload(Adaptive)["goodputRatio"] >= 1.5 * best);
    }

    [Fact]
    public void ColdRecovery_AttemptAwareAdaptive_NoRelapseAfterTheHealAndReachesFullThroughput()
    {
        var figures = PartialFailureScenarios.ColdRecovery(Adaptive);

        Assert.Equal(0, figures["relapsesAfterHeal"]);
        Assert.False(double.IsNaN(figures["timeToFullThroughputMs"]));
    }

    [Fact]
    public void Overload_AttemptAwareAdaptive_SameFiguresEveryRun()
        => Assert.Equal(PartialFailureScenarios.Overload(Adaptive), PartialFailureScenarios.Overload(Adaptive));

    [Fact]
    public void Run_SameInputs_SameFigures()
        => Assert.Equal(Scenarios.HardOutage(Configurations.MsStandardHandler), Scenarios.HardOutage(Configurations.MsStandardHandler));
}
