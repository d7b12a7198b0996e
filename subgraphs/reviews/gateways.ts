import type { Viewer } from '../../platform/identity';
import { createLogger } from '../../platform/logging';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphUrls } from '../../platform/subgraph';
import { ReviewAuthorDocument } from './generated/clients/identity';

const log = createLogger('reviews');

/** Identity, asked (typed) for the name a review is signed with. */
export class IdentityGateway {
  private client: ServiceClient | null = null;

  constructor(private readonly urls: SubgraphUrls) {}

  /**
   * "Ada L.": first name and initial, as shops show reviewers. A review is not refused
   * because identity is slow: it is signed "A customer" then.
   */
  async authorName(viewer: Viewer): Promise<string> {
    this.client ??= createServiceClient('reviews', 'identity', this.urls.identity);
    try {
      const { me } = await this.client.request(ReviewAuthorDocument, {}, { viewer });
      if (!me) return 'A customer';
      const initial = me.lastName.trim().charAt(0);
      return `${me.firstName.trim()}${initial ? ` ${initial}.` : ''}`.trim() || 'A customer';
    } catch (error) {
      log.warn('reviewer name unavailable', { error: (error as Error).message });
      return 'A customer';
    }
  }
}
