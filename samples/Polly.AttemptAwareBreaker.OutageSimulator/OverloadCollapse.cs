using System.Net;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// A downstream of capacity C (answers per second, which may change over time) with linear overload collapse: receiving R attempts per
/// second it answers min(R, max(0, 2C − R)) of them successfully and the rest with 503, because it spends its capacity on the excess too.
/// </summary>
/// <remarks>
/// R is measured when an answer leaves: the calls that arrived in the second up to that moment, this one included (a sliding one-second
/// window, so the rate has no slice boundaries). Each answer succeeds with the share min(R, max(0, 2C − R)) / R, spread without
/// randomness: the shares add up in a credit and an answer succeeds whenever the credit reaches one. Over any second of steady load the
/// downstream therefore answers exactly the collapse rule's number of successes, and two runs answer alike.
/// </remarks>
internal sealed class OverloadCollapse
{
    private readonly SimulatedDownstream _downstream;
    private readonly Func<TimeSpan, double> _capacity;
    private double _credit;

    /// <summary>Initializes a new instance of the <see cref="OverloadCollapse"/> class and makes it the downstream's behaviour.</summary>
    /// <param name="downstream">The downstream whose arrivals give R.</param>
    /// <param name="capacity">C at a virtual time, in answers per second (0 for a hard outage).</param>
    public OverloadCollapse(SimulatedDownstream downstream, Func<TimeSpan, double> capacity)
    {
        _downstream = downstream;
        _capacity = capacity;
        downstream.Behaviour = Answer;
    }

    /// <summary>Returns the share of attempts answered successfully at R attempts per second against a capacity C.</summary>
    /// <param name="attemptsPerSecond">R.</param>
    /// <param name="capacity">C.</param>
    /// <returns>min(R, max(0, 2C − R)) / R; 1 when nothing arrives.</returns>
    public static double SuccessShare(double attemptsPerSecond, double capacity)
        => attemptsPerSecond <= 0 ? 1 : Math.Min(attemptsPerSecond, Math.Max(0, (2 * capacity) - attemptsPerSecond)) / attemptsPerSecond;

    private HttpStatusCode Answer(TimeSpan now)
    {
        _credit += SuccessShare(_downstream.ArrivalsInSecondBefore(now), _capacity(now));
        if (_credit < 1 - 1e-9)
        {
            return HttpStatusCode.ServiceUnavailable;
        }

        _credit -= 1;
        return HttpStatusCode.OK;
    }
}
