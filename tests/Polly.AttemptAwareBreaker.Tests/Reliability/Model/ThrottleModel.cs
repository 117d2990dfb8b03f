namespace Polly.AttemptAwareBreaker.Tests.Reliability.Model;

/// <summary>
/// The reference model of adaptive throttling, over a sliding window of its own (a plain list of requests by bucket): an attempt is
/// rejected with probability max(0, (requests − K × accepts) / (requests + 1)), at most the maximum, where requests are the successes
/// and failures counted and the attempts it rejected, and accepts are the successes. Below the minimum number of requests nothing is
/// rejected, and the random number is drawn only when the probability is above zero.
/// </summary>
internal sealed class ThrottleModel(ThrottleModel.Settings settings)
{
    private const int Buckets = 10;
    private readonly List<(long Bucket, bool Accepted)> _requests = [];

    private long BucketTicks => Math.Max(1, settings.Window.Ticks / Buckets);

    public double Probability(long now)
    {
        var inWindow = _requests.Where(r => r.Bucket > (now / BucketTicks) - Buckets).ToList();
        long requests = inWindow.Count;
        long accepts = inWindow.Count(r => r.Accepted);
        if (requests < settings.MinimumRequests)
        {
            return 0;
        }

        var p = (requests - (settings.Multiplier * accepts)) / (requests + 1);
        return Math.Min(settings.MaxProbability, Math.Max(0, p));
    }

    /// <summary>Decides whether to reject an attempt at <paramref name="now"/>; a rejection counts as a request.</summary>
    public bool Refuses(long now, Func<double> random)
    {
        var p = Probability(now);
        if (p <= 0 || random() >= p)
        {
            return false;
        }

        _requests.Add((now / BucketTicks, false));
        return true;
    }

    /// <summary>Counts an outcome of the current generation: a success is an accepted request, a failure a request, an ignored one neither.</summary>
    public void Count(OutcomeClass outcome, long now)
    {
        if (outcome != OutcomeClass.Ignored)
        {
            _requests.Add((now / BucketTicks, outcome == OutcomeClass.Success));
        }
    }

    /// <summary>Forgets every request: the circuit closed.</summary>
    public void Reset() => _requests.Clear();

    internal sealed record Settings(double Multiplier, TimeSpan Window, int MinimumRequests, double MaxProbability)
    {
        public override string ToString() => $"throttling K {Multiplier}, window {Window.TotalSeconds} s, minimum {MinimumRequests}, max {MaxProbability}";
    }
}
