namespace Polly.AttemptAwareBreaker.AspNetCoreSample;

/// <summary>
/// The downstream the inventory client calls, served by this same app so the sample needs nothing else: it answers 503 to a share of
/// requests (FlakyDownstream:FailureRate) or to all of them during an outage (switched with POST /flaky/outage?on=true|false).
/// </summary>
public sealed class FlakyDownstream(IConfiguration configuration)
{
    private int _outage = configuration.GetValue<bool>("FlakyDownstream:Outage") ? 1 : 0;
    private long _requests;

    public bool Outage
    {
        get => Volatile.Read(ref _outage) == 1;
        set => Volatile.Write(ref _outage, value ? 1 : 0);
    }

    public long Requests => Interlocked.Read(ref _requests);

    public IResult Answer(string sku)
    {
        Interlocked.Increment(ref _requests);
        var failureRate = configuration.GetValue("FlakyDownstream:FailureRate", 0.1);
        return Outage || Random.Shared.NextDouble() < failureRate
            ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
            : Results.Ok(new { sku, inStock = Random.Shared.Next(0, 100) });
    }
}
