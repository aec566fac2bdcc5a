using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WakeDock.Identity.Defence;

/// <summary>An IPv4 or IPv6 address or CIDR range, kept in canonical form (host bits cleared).</summary>
public readonly record struct IpRange(IPAddress Network, int PrefixLength)
{
    private int MaxPrefix => Network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;

    public bool IsSingleAddress => PrefixLength == MaxPrefix;

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new IPNetwork(Network, PrefixLength).Contains(Normalize(address));
    }

    /// <summary><c>203.0.113.7</c> for one address, <c>203.0.113.0/24</c> for a range.</summary>
    public override string ToString()
        => IsSingleAddress ? Network.ToString() : $"{Network}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>IPv4-mapped IPv6 (<c>::ffff:1.2.3.4</c>) becomes IPv4 and scope ids go, so one client has one form.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
    }

    /// <summary>Parses an address or CIDR; host bits after the prefix are cleared (10.1.2.3/8 → 10.0.0.0/8).</summary>
    public static bool TryParse(string? text, out IpRange range, [NotNullWhen(false)] out string? error)
    {
        range = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            error = "an IPv4 or IPv6 address or CIDR range is required";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        // IPAddress.TryParse also takes legacy forms ("10.1" = 10.0.0.1): demand four IPv4 parts.
        var dottedQuad = addressText.Contains(':', StringComparison.Ordinal) || addressText.Split('.').Length == 4;
        if (!dottedQuad || addressText.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(addressText, out var address))
        {
            error = $"'{addressText}' is not an IP address";
            return false;
        }

        address = Normalize(address);
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > max))
        {
            error = $"the prefix length must be a number from 0 to {max}";
            return false;
        }

        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        range = new IpRange(new IPAddress(bytes), prefix);
        error = null;
        return true;
    }
}
