import type { MetadataRoute } from 'next';
import { storefrontConfig } from '../lib/config';

export const dynamic = 'force-dynamic';

export default function robots(): MetadataRoute.Robots {
  return {
    rules: [
      { userAgent: '*', allow: '/', disallow: ['/cart', '/checkout', '/account', '/orders'] },
    ],
    sitemap: `${storefrontConfig().siteUrl}/sitemap.xml`,
  };
}
